/**
 * The chain comparison (`npm run db:compare`, server/db/compareSchemas.ts) sees what a migration can
 * change: two copies of the migrated database read the same, and a policy, a function body, a
 * column grant, a check constraint, an index, a trigger or a row of a catalog changed in one copy
 * each show up as exactly that difference.
 */
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../server/db/connect.ts';
import { diffSnapshots, formatDiff, isSameCatalog, snapshotCatalog } from '../../server/db/compareSchemas.ts';
import { withDatabase } from '../helpers/databaseUrl.ts';

const admin = connect(inject('databaseUrl'), { max: 1 });
const names = [0, 1].map(() => `compare_${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`);
const copies: Sql[] = [];

beforeAll(async () => {
  for (const name of names) {
    await admin.unsafe(`create database ${name} template ${inject('templateDatabase')}`);
    copies.push(connect(withDatabase(inject('databaseUrl'), name), { max: 1 }));
  }
});

afterAll(async () => {
  await Promise.all(copies.map((c) => c.end({ timeout: 5 })));
  for (const name of names) await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

describe('snapshotCatalog and diffSnapshots', () => {
  it('read two copies of the migrated database as the same catalog', async () => {
    const [a, b] = await Promise.all(copies.map((c) => snapshotCatalog(c)));
    const diff = diffSnapshots(a!, b!);
    expect(formatDiff(diff)).toEqual([]);
    expect(isSameCatalog(diff)).toBe(true);
    expect(a!.size).toBeGreaterThan(2000);
  });

  it('name each kind of change a migration can make, and nothing else', async () => {
    const before = await snapshotCatalog(copies[1]!);
    await copies[1]!.unsafe(`
      alter policy "Identities can view own or elevated threads" on public.threads using (false);
      create or replace function private.role_rank(p_role text) returns integer
        language sql immutable set search_path = '' as $$ select 0 $$;
      grant update (email) on table public.users to authenticated;
      alter table public.identities add constraint identities_name_short check (length(name) < 500);
      create index threads_title_idx on public.threads (title);
      alter table public.memory_items disable trigger memory_items_set_tenant;
      update public.agents set context_tokens = context_tokens + 1 where slug = 'summarizer';`);
    const after = await snapshotCatalog(copies[1]!);
    const diff = diffSnapshots(before, after);
    expect(diff.removed).toEqual([]);
    expect(diff.added.sort()).toEqual([
      'constraint public.identities identities_name_short',
      'index public.threads_title_idx',
    ]);
    expect(diff.changed.map((c) => c.key).sort()).toEqual([
      'column public.users.email',
      'function private.role_rank(text)',
      'policy public.threads Identities can view own or elevated threads',
      'rows public.agents',
      'trigger public.memory_items memory_items_set_tenant',
    ]);
    expect(isSameCatalog(diff)).toBe(false);
  });
});
