/**
 * Door: owner and actor columns (issue 13, finding 3). A signed-in user writes another user's id
 * into every denormalised `user_id` and another identity into every author/creator column, on
 * insert and on update, directly (as PostgREST would let her on a hosted project), and as an
 * elevated writer: the database stamps the true owner and actor every time. Generated from the
 * catalog: every identity-owned table with a `user_id` is tried, whoever may write it.
 */
import { describe, expect, it } from 'vitest';
import { classify, publicTables } from '../helpers/catalog.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';
import { columnsIn } from './columnClasses.ts';
import { freshCopy, insertColumns, uniqueKeys } from './forgery.ts';

const { sql } = useDatabase();
const tables = await publicTables(sql);
const keys = await uniqueKeys(sql);
/** Identity-owned tables with a denormalised user_id (audit_log: its own test below). */
const withOwner = tables.filter((t) => classify(t) === 'identity' && t.columns.includes('user_id'));
const actorCases = tables.flatMap((t) =>
  columnsIn(t.name, 'actor').map((c) => [`${t.name}.${c}`, t, c] as const),
);

/** Rows of A1 in `table` whose `column` is not `expected` (as the table owner sees them). */
async function mismatched(s: Scenario, table: string, column: string, expected: string): Promise<number> {
  await s.asOwner();
  const [r] = await s.tx`select count(*)::int as n from ${s.tx(table)}
                         where identity_id = ${SEED.a1} and ${s.tx(column)} is distinct from ${expected}`;
  return r!.n as number;
}

/** B1 holds an approved, live `write` grant on the whole of A1. */
async function grantWrite(s: Scenario): Promise<void> {
  await s.asOwner();
  await s.tx`insert into public.elevation_requests
      (requester_identity_id, target_identity_id, scope_type, scope_id, permission, reason, status, decided_at, expires_at)
    values (${SEED.b1}, ${SEED.a1}, 'identity', ${SEED.a1}, 'write', 'forgery test', 'approved', now(), now() + interval '1 hour')`;
}

describe('owner columns', () => {
  it('are found on the tables the issue names, and more', () => {
    expect(withOwner.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'api_keys',
        'dataspaces',
        'meetings',
        'memory_items',
        'notifications',
        'nova_contexts',
        'workspaces',
        'agent_executions',
        'token_accounts',
      ]),
    );
    // a client-writable one is classified `owner` (columnClasses.ts)
    for (const t of withOwner) {
      if (t.writable.insert.length + t.writable.update.length > 0)
        expect(columnsIn(t.name, 'owner')).toContain('user_id');
    }
  });

  describe.each(withOwner.map((t) => [t.name, t] as const))('%s.user_id', (_name, t) => {
    it("is the identity's user whatever a server writer or a client sets", async () => {
      await inRollback(sql, async (s) => {
        expect(await mismatched(s, t.name, 'user_id', SEED.alice)).toBe(0);
        // a server writer (the table owner) mistaken or misled
        const server = await s.attempt(
          (tx) => tx`update ${tx(t.name)} set user_id = ${SEED.bob} where identity_id = ${SEED.a1}`,
        );
        // memory law 1's guard refuses the change outright; every other table stamps it back
        expect(['ok', '23514']).toContain(server.state);
        expect(await mismatched(s, t.name, 'user_id', SEED.alice)).toBe(0);
        // the owner identity's own client
        await s.as(asIdentity('a1'));
        const client = await s.attempt(
          (tx) => tx`update ${tx(t.name)} set user_id = ${SEED.bob} where identity_id = ${SEED.a1}`,
        );
        expect(['ok', '23514', '42501']).toContain(client.state);
        expect(await mismatched(s, t.name, 'user_id', SEED.alice)).toBe(0);
      });
    });

    if (t.writable.insert.length > 0) {
      it("is stamped on a client's insert that names another user", async () => {
        await inRollback(sql, async (s) => {
          const copy = {
            ...(await freshCopy(s, t, keys, { column: 'identity_id', value: SEED.a1 })),
            user_id: SEED.bob,
          };
          await s.as(asIdentity('a1'));
          const ins = await s.attempt((tx) => insertColumns(tx, t, copy, t.writable.insert));
          if (t.name === 'api_keys') {
            // a key's hash is server-kept: a client cannot create one at all (private.create_api_key does)
            expect(ins.state).toBe('23502');
          } else {
            expect(ins.state).toBe('ok');
            // a shared table's user_id is not the client's to read (issue 14): checked as the owner below
            if (t.readable.includes('user_id')) expect(ins.value![0]!.j.user_id).toBe(SEED.alice);
          }
          expect(await mismatched(s, t.name, 'user_id', SEED.alice)).toBe(0);
        });
      });
    }
  });

  it("stamps the owner's user on a row an elevated writer puts into the owner's identity", async () => {
    await inRollback(sql, async (s) => {
      await grantWrite(s);
      await s.as(asIdentity('b1'));
      const [ds] = await s.tx`insert into public.dataspaces (identity_id, user_id, sphere_id, name)
        values (${SEED.a1}, ${SEED.bob}, ${seedId('a1', '0001', 1)}, 'écrit par B1') returning id`;
      await s.asOwner();
      const [stored] = await s.tx`select user_id from public.dataspaces where id = ${ds!.id}`;
      expect(stored!.user_id).toBe(SEED.alice);
    });
  });

  it("stamps each audit row with the chain owner's user, not the acting one", async () => {
    await inRollback(sql, async (s) => {
      // B1 asks, A1 decides: the decision lands on B1's chain too
      await s.as(asIdentity('b1'));
      const [req] =
        await s.tx`select id from private.request_elevation('identity', ${SEED.a1}, 'read', 'audit test')`;
      await s.as(asIdentity('a1'));
      await s.tx`select private.decide_elevation(${req!.id}, true)`;
      await s.as(asIdentity('b1'));
      const mine = await s.tx`select distinct user_id from public.audit_log where identity_id = ${SEED.b1}`;
      expect(mine.map((r) => r.user_id)).toEqual([SEED.bob]);
      await s.asOwner();
      const [wrong] =
        await s.tx`select count(*)::int as n from public.audit_log a join public.identities i on i.id = a.identity_id
                                 where a.user_id is distinct from i.user_id`;
      expect(wrong!.n).toBe(0);
    });
  });
});

describe('actor columns', () => {
  it('name an identity (a foreign key into identities)', async () => {
    for (const [, t, column] of actorCases) {
      const [fk] =
        await sql`select 1 from pg_constraint k join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
        where k.conrelid = ${`public.${t.name}`}::regclass and k.contype = 'f' and a.attname = ${column}
          and k.confrelid = 'public.identities'::regclass`;
      expect(fk, `${t.name}.${column}`).toBeDefined();
    }
    // spatial_anchors.created_by_identity_id left the list when the room became its only writer
    expect(actorCases.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(actorCases)('%s', (_name, t, column) => {
    it("is the active identity on a client's insert, and never changes on its update", async () => {
      await inRollback(sql, async (s) => {
        const copy = {
          ...(await freshCopy(s, t, keys, { column: 'identity_id', value: SEED.a1 })),
          [column]: SEED.b1,
        };
        await s.asOwner();
        const [before] =
          await s.tx`select md5(string_agg(coalesce(${s.tx(column)}::text, '-'), ',' order by id::text)) as h
                                    from ${s.tx(t.name)} where identity_id = ${SEED.a1}`;
        await s.as(asIdentity('a1'));
        const upd = await s.attempt(
          (tx) => tx`update ${tx(t.name)} set ${tx(column)} = ${SEED.b1} where identity_id = ${SEED.a1}`,
        );
        expect(upd.state).toBe('ok');
        await s.asOwner();
        const [after] =
          await s.tx`select md5(string_agg(coalesce(${s.tx(column)}::text, '-'), ',' order by id::text)) as h
                                   from ${s.tx(t.name)} where identity_id = ${SEED.a1}`;
        expect(after).toEqual(before);
        await s.as(asIdentity('a1'));
        const ins = await s.attempt((tx) => insertColumns(tx, t, copy, t.writable.insert));
        expect(ins.state).toBe('ok');
        expect((ins.value as { j: Record<string, unknown> }[])[0]!.j[column]).toBe(SEED.a1);
      });
    });
  });
});

describe('owner keys of user-owned rows', () => {
  it('refuse an identity created for another user, and a profile or identity moved to one', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      const forged = await s.attempt(
        (tx) => tx`insert into public.identities (user_id, name) values (${SEED.bob}, 'Bob, selon Alice')`,
      );
      expect(forged.state).toBe('42501');
      const moved = await s.attempt(
        (tx) => tx`update public.identities set user_id = ${SEED.bob} where id = ${SEED.a2}`,
      );
      expect(moved.state).toBe('42501');
      const profile = await s.attempt(
        (tx) => tx`update public.users set id = ${SEED.bob} where id = ${SEED.alice}`,
      );
      expect(profile.state).toBe('42501');
    });
  });
});
