import type { JSONValue, TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { classify, publicTables, type PublicTable } from '../helpers/catalog.ts';
import { useDatabase } from '../helpers/db.ts';
import { ANON, asIdentity, SEED } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';

const { sql } = useDatabase();
const all = await publicTables(sql);
const identityTables = all.filter((t) => classify(t) === 'identity');

/** Rows owned by an identity, as the table owner sees them (RLS bypassed). */
async function ownedBy(s: Scenario, table: string, identity: string): Promise<number> {
  await s.asOwner();
  const [row] = await s.tx`select count(*)::int as n from ${s.tx(table)} where identity_id = ${identity}`;
  return row!.n as number;
}

async function visible(s: Scenario, table: string, identity: string): Promise<number> {
  const [row] = await s.tx`select count(*)::int as n from ${s.tx(table)} where identity_id = ${identity}`;
  return row!.n as number;
}

/** One A1 row as JSON with a fresh id, for insert attempts that differ from the original only by id. */
async function copyOfA1Row(s: Scenario, t: PublicTable): Promise<Record<string, unknown>> {
  await s.asOwner();
  const [row] =
    await s.tx`select to_jsonb(x) as j from ${s.tx(t.name)} x where identity_id = ${SEED.a1} limit 1`;
  const copy = { ...(row!.j as Record<string, unknown>) };
  if ('id' in copy) copy.id = crypto.randomUUID();
  return copy;
}

function insertCopy(tx: TransactionSql, t: PublicTable, copy: Record<string, unknown>) {
  const cols = tx(t.insertable);
  return tx`insert into ${tx(t.name)} (${cols})
            select ${cols} from jsonb_populate_record(null::${tx(t.name)}, ${tx.json(copy as JSONValue)})`;
}

describe('identity-owned tables', () => {
  it('exist in the number the schema promises and every public table is classified', () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
    expect(all.filter((t) => classify(t) === 'unclassified').map((t) => t.name)).toEqual([]);
  });

  describe.each(identityTables.map((t) => [t.name, t] as const))('%s', (_name, t) => {
    it('has RLS enabled and seeded rows for A1 and B1', async () => {
      expect(t.rls).toBe(true);
      await inRollback(sql, async (s) => {
        expect(await ownedBy(s, t.name, SEED.a1)).toBeGreaterThan(0);
        expect(await ownedBy(s, t.name, SEED.b1)).toBeGreaterThan(0);
      });
    });

    it('shows anon nothing', async () => {
      await inRollback(sql, async (s) => {
        await s.as(ANON);
        const res = await s.attempt((tx) => tx`select count(*)::int as n from ${tx(t.name)}`);
        expect(res.state === '42501' || (res.value as unknown as { n: number }[])[0]!.n === 0).toBe(true);
      });
    });

    it('shows the active identity all of its own rows', async () => {
      await inRollback(sql, async (s) => {
        const owned = await ownedBy(s, t.name, SEED.a1);
        await s.as(asIdentity('a1'));
        expect(await visible(s, t.name, SEED.a1)).toBe(owned);
      });
    });

    for (const other of ['b1', 'a2'] as const) {
      const who = other === 'b1' ? 'another user' : "the same user's other identity";
      it(`hides A1's rows from ${who} for select, update, delete and insert`, async () => {
        await inRollback(sql, async (s) => {
          const owned = await ownedBy(s, t.name, SEED.a1);
          const copy = await copyOfA1Row(s, t);
          await s.as(asIdentity(other));
          expect(await visible(s, t.name, SEED.a1)).toBe(0);
          const upd = await s.attempt(
            (tx) => tx`update ${tx(t.name)} set identity_id = identity_id where identity_id = ${SEED.a1}`,
          );
          expect(upd.state === '42501' || (upd.value as { count: number }).count === 0).toBe(true);
          const del = await s.attempt((tx) => tx`delete from ${tx(t.name)} where identity_id = ${SEED.a1}`);
          expect(del.state === '42501' || (del.value as { count: number }).count === 0).toBe(true);
          const ins = await s.attempt((tx) => insertCopy(tx, t, copy));
          expect(ins.state).toBe('42501');
          expect(await ownedBy(s, t.name, SEED.a1)).toBe(owned);
        });
      });
    }

    it('lets the owner write what its grants allow', async () => {
      await inRollback(sql, async (s) => {
        const owned = await ownedBy(s, t.name, SEED.a1);
        const copy = await copyOfA1Row(s, t);
        await s.as(asIdentity('a1'));
        if (t.verbs.update) {
          // touch a column the client may update (identity_id where it may)
          const col = t.writable.update.includes('identity_id') ? 'identity_id' : t.writable.update[0]!;
          const upd = await s.attempt(
            (tx) => tx`update ${tx(t.name)} set ${tx(col)} = ${tx(col)} where identity_id = ${SEED.a1}`,
          );
          expect(upd.state).toBe('ok');
          expect((upd.value as { count: number }).count).toBe(owned);
        } else {
          const upd = await s.attempt((tx) => tx`update ${tx(t.name)} set identity_id = identity_id`);
          expect(upd.state).toBe('42501');
        }
        if (!t.verbs.delete) {
          const del = await s.attempt((tx) => tx`delete from ${tx(t.name)} where identity_id = ${SEED.a1}`);
          expect(del.state).toBe('42501');
        }
        if (t.verbs.insert) {
          // RLS is checked before constraints: a unique/check/FK/not-null failure (a server-kept
          // column the client may not name) still proves RLS let it through
          const ins = await s.attempt((tx) => insertCopy(tx, t, copy));
          expect(['ok', '23505', '23514', '23503', '23502']).toContain(ins.state);
        } else {
          expect((await s.attempt((tx) => insertCopy(tx, t, copy))).state).toBe('42501');
        }
      });
    });
  });
});
