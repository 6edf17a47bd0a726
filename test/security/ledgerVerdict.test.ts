/**
 * Door: the ledger's verdict (private.ledger_verdict, private.ledger_budget_ids), which a signed-in
 * user's transaction may select (the run estimate asks it before a run). Security invoker: RLS
 * decides what it reads, so asked about another identity or another person's place it answers as
 * for ones that do not exist. The functions that lock, charge and raise stay the ledger's own.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { ANON, asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';

const { sql } = useDatabase(2);
const A1_DATASPACE = seedId('a1', '0003');
const A1_THREAD = seedId('a1', '0004');

async function verdict(s: Scenario, identity: string, amount: number, scopes: Record<string, string> | null) {
  const [row] = await s.tx<{ v: Record<string, unknown> | null }[]>`
    select private.ledger_verdict(${identity}, ${amount}, ${scopes ? s.tx.json(scopes) : null}::jsonb) as v`;
  return row!.v;
}

describe('the ledger verdict a user may ask', () => {
  it("answers about another identity's account as about none", async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('b1'));
      const alice = await verdict(s, SEED.a1, 1, null);
      const nobody = await verdict(s, randomUUID(), 1, null);
      expect(alice).toMatchObject({ code: 'insufficient_balance', available: 0 });
      expect({ ...alice, message: null, scope: null }).toEqual({ ...nobody, message: null, scope: null });
      // its own account, as the ledger sees it
      expect(await verdict(s, SEED.b1, 1, null)).toBeNull();
    });
  });

  it('never reveals a budget or a thread cap of a place the user cannot see', async () => {
    await inRollback(sql, async (s) => {
      await s.tx`update public.threads set token_budget = tokens_consumed + tokens_reserved + 5 where id = ${A1_THREAD}`;
      const [budget] = await s.tx<{ id: string }[]>`
        update public.token_budgets set amount = spent + reserved + 10
        where scope_type = 'dataspace' and scope_id = ${A1_DATASPACE} returning id`;
      // the owner is refused there: the budget and the cap apply
      await s.as(asIdentity('a1'));
      expect(await verdict(s, SEED.a1, 100, { dataspace: A1_DATASPACE })).toMatchObject({
        code: 'budget_exceeded',
        scope: { type: 'dataspace', id: A1_DATASPACE },
      });
      expect(await verdict(s, SEED.a1, 6, { thread: A1_THREAD })).toMatchObject({
        code: 'budget_exceeded',
        scope: { type: 'thread', id: A1_THREAD },
      });

      // another person's identity sees neither: the same answer as for places that do not exist
      await s.as(asIdentity('b1'));
      for (const scopes of [{ dataspace: A1_DATASPACE }, { thread: A1_THREAD }] as Record<string, string>[]) {
        const named = await verdict(s, SEED.b1, 100, scopes);
        const unknown = await verdict(
          s,
          SEED.b1,
          100,
          Object.fromEntries(Object.keys(scopes).map((k) => [k, randomUUID()])),
        );
        expect(named).toEqual(unknown);
        expect(named).toBeNull();
      }
      // handing it her budget's row: the user cannot read it, so there is nothing to hand
      const [named] = await s.tx<{ v: unknown }[]>`
        select private.ledger_verdict(${SEED.b1}, 100, ${s.tx.json({ dataspace: A1_DATASPACE })}, null,
                                      array(select row(v.id, v.scope_type, v.scope_id, v.period, v.amount, v.spent_now, v.reserved,
                                                    v.current_start, v.ended, v.period_end)::private.ledger_budget
                                            from public.token_budgets_now v where v.id = ${budget!.id})) as v`;
      expect(named!.v).toBeNull();
      const [ids] = await s.tx<{ ids: string[] }[]>`
        select private.ledger_budget_ids(${SEED.a1}, ${s.tx.json({ dataspace: A1_DATASPACE })}) as ids`;
      expect(ids!.ids).not.toContain(budget!.id);
      expect(ids!.ids).toEqual([]);
    });
  });

  it('is closed to anon, and the functions that lock, charge or raise are closed to users', async () => {
    await inRollback(sql, async (s) => {
      await s.as(ANON);
      expect((await s.attempt((tx) => tx`select private.ledger_verdict(${SEED.a1}, 1, '{}')`)).state).toBe(
        '42501',
      );
      await s.as(asIdentity('a1'));
      for (const call of [
        `select private.ledger_charge('${SEED.a1}', 1000000, 1, '{}', null, 1, 0)`,
        `select private.ledger_charge_thread('${A1_THREAD}', 1, 0)`,
        `select private.ledger_refuse('{"code": "budget_exceeded", "message": "x"}')`,
      ]) {
        expect((await s.attempt((tx) => tx.unsafe(call))).state, call).toBe('42501');
      }
      const rows = await s.tx<{ name: string }[]>`
        select p.proname as name from pg_proc p
        where p.pronamespace = 'private'::regnamespace and p.proname like 'ledger\\_%'
          and has_function_privilege('authenticated', p.oid, 'EXECUTE')
        order by 1`;
      expect(rows.map((r) => r.name)).toEqual([
        'ledger_budget_ids',
        'ledger_budget_scopes',
        'ledger_verdict',
      ]);
    });
  });
});
