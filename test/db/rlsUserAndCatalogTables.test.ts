import type { JSONValue } from 'postgres';
import { describe, expect, it } from 'vitest';
import { classify, publicTables } from '../helpers/catalog.ts';
import { useDatabase } from '../helpers/db.ts';
import { ANON, asIdentity, SEED } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';
import { USER_TABLES } from './tableClasses.ts';

const { sql } = useDatabase();
const tables = await publicTables(sql);
const catalog = tables.filter((t) => classify(t) === 'catalog');

describe('user-owned tables', () => {
  describe.each(Object.entries(USER_TABLES))('%s', (table, column) => {
    it('has RLS, shows anon nothing and shows each user only their own rows, from any identity', async () => {
      await inRollback(sql, async (s) => {
        await s.as(ANON);
        expect((await s.attempt((tx) => tx`select 1 from ${tx(table)}`)).state).toBe('42501');
        for (const who of ['a1', 'a2', 'b1'] as const) {
          await s.as(asIdentity(who));
          const me = who.startsWith('a') ? SEED.alice : SEED.bob;
          const rows = await s.tx`select ${s.tx(column)} as owner from ${s.tx(table)}`;
          expect(rows.length, `${table} as ${who}`).toBeGreaterThan(0);
          expect(new Set(rows.map((r) => r.owner))).toEqual(new Set([me]));
        }
      });
    });

    it("refuses another user's update and delete", async () => {
      await inRollback(sql, async (s) => {
        await s.as(asIdentity('b1'));
        const upd = await s.attempt(
          (tx) =>
            tx`update ${tx(table)} set ${tx(column)} = ${tx(column)} where ${tx(column)} = ${SEED.alice}`,
        );
        expect(upd.state === '42501' || (upd.value as { count: number }).count === 0).toBe(true);
        const del = await s.attempt((tx) => tx`delete from ${tx(table)} where ${tx(column)} = ${SEED.alice}`);
        expect(del.state === '42501' || (del.value as { count: number }).count === 0).toBe(true);
        await s.asOwner();
        const [row] =
          await s.tx`select count(*)::int as n from ${s.tx(table)} where ${s.tx(column)} = ${SEED.alice}`;
        expect(row!.n).toBeGreaterThan(0);
      });
    });
  });

  it('lets a user create an identity for themselves only', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('b1'));
      const forged = await s.attempt(
        (tx) => tx`insert into public.identities (user_id, name) values (${SEED.alice}, 'Intrus')`,
      );
      expect(forged.state).toBe('42501');
      const own = await s.attempt(
        (tx) => tx`insert into public.identities (user_id, name) values (${SEED.bob}, 'Bob — bénévole')`,
      );
      expect(own.state).toBe('ok');
    });
  });
});

describe('catalog tables', () => {
  it('are the ones the classification names', () => {
    expect(catalog.map((t) => t.name).sort()).toEqual(
      [
        'agent_compatibility_matrix',
        'agents',
        'encoding_profiles',
        'encoding_rules',
        'subscription_plans',
      ].sort(),
    );
  });

  describe.each(catalog.map((t) => [t.name] as const))('%s', (table) => {
    it('is readable by signed-in users, hidden from anon and read-only to clients', async () => {
      await inRollback(sql, async (s) => {
        expect(tables.find((t) => t.name === table)!.rls).toBe(true);
        await s.as(ANON);
        expect((await s.attempt((tx) => tx`select 1 from ${tx(table)}`)).state).toBe('42501');
        await s.as(asIdentity('b1'));
        const rows = await s.tx`select * from ${s.tx(table)}`;
        expect(rows.length).toBeGreaterThan(0);
        expect((await s.attempt((tx) => tx`update ${tx(table)} set id = id`)).state).toBe('42501');
        expect((await s.attempt((tx) => tx`delete from ${tx(table)}`)).state).toBe('42501');
        const [first] = await s.tx`select to_jsonb(x) as j from ${s.tx(table)} x limit 1`;
        const copy = { ...(first!.j as Record<string, unknown>), id: crypto.randomUUID() };
        const ins = await s.attempt(
          (tx) =>
            tx`insert into ${tx(table)} select * from jsonb_populate_record(null::${tx(table)}, ${tx.json(copy as JSONValue)})`,
        );
        expect(ins.state).toBe('42501');
      });
    });
  });
});
