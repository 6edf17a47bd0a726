import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { ANON, asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inLedgerRollback } from './ledgerRollback.ts';
import type { Scenario } from '../helpers/rollback.ts';
import { localPeriodStart } from './periods.ts';

const { sql } = useDatabase(2);

const A1_DATASPACE = seedId('a1', '0003');
const A1_THREAD = seedId('a1', '0004');
const B1_DATASPACE = seedId('b1', '0003');
const A1_SPHERE = seedId('a1', '0001');

const allocate = async (
  tx: TransactionSql,
  identity: string,
  type: string,
  scope: string,
  amount: number,
  key: string,
) => (await tx`select * from private.ledger_allocate(${identity}, ${type}, ${scope}, ${amount}, ${key})`)[0]!;

async function budgetOf(tx: TransactionSql, type: string, scope: string) {
  return tx`select id, period, amount::int, time_zone, period_start from public.token_budgets
            where scope_type = ${type} and scope_id = ${scope} order by id`;
}

const failure = (s: Scenario, run: (tx: TransactionSql) => Promise<unknown>) =>
  s.tx.savepoint(run).then(
    () => ({ code: 'ok', message: '' }),
    (e: { code?: string; message: string }) => ({ code: e.code, message: e.message }),
  );

describe('private.ledger_allocate (POST /tokens/allocate)', () => {
  it("raises the scope's budget, records the allocation and its journal entry, audited", async () => {
    await inLedgerRollback(sql, async (s) => {
      const [before] = await budgetOf(s.tx, 'dataspace', A1_DATASPACE);
      const [acc] = await s.tx`select balance::int from public.token_accounts where identity_id = ${SEED.a1}`;
      const a = await allocate(s.tx, SEED.a1, 'dataspace', A1_DATASPACE, 1000, 'alloc-1');
      expect(a).toMatchObject({
        identity_id: SEED.a1,
        to_scope_type: 'dataspace',
        amount: '1000',
        budget_id: before!.id,
      });
      const [after] = await budgetOf(s.tx, 'dataspace', A1_DATASPACE);
      expect(after!.amount).toBe(before!.amount + 1000);
      // tokens stay in the account: the budget earmarks them
      const [accAfter] =
        await s.tx`select balance::int from public.token_accounts where identity_id = ${SEED.a1}`;
      expect(accAfter!.balance).toBe(acc!.balance);
      const [mv] =
        await s.tx`select kind, reference_type, reference_id from public.token_movements where id = ${a.movement_id}`;
      expect(mv).toEqual({ kind: 'allocate', reference_type: 'allocation', reference_id: a.id });
      const [audit] = await s.tx`select action, payload from public.audit_log where entity_id = ${a.id}`;
      expect(audit).toMatchObject({
        action: 'ledger.allocate',
        payload: { amount: 1000, budget_amount: after!.amount },
      });

      // the thread's project budget is the one raised for a thread
      const [threadBefore] = await budgetOf(s.tx, 'thread', A1_THREAD);
      await allocate(s.tx, SEED.a1, 'thread', A1_THREAD, 250, 'alloc-2');
      expect((await budgetOf(s.tx, 'thread', A1_THREAD))[0]!.amount).toBe(threadBefore!.amount + 250);
    });
  });

  it('returns the first allocation on a replay and refuses the key with a different request', async () => {
    await inLedgerRollback(sql, async (s) => {
      const first = await allocate(s.tx, SEED.a1, 'dataspace', A1_DATASPACE, 300, 'alloc-3');
      const replay = await allocate(s.tx, SEED.a1, 'dataspace', A1_DATASPACE, 300, 'alloc-3');
      expect(replay.id).toBe(first.id);
      const [b] = await budgetOf(s.tx, 'dataspace', A1_DATASPACE);
      expect(b!.amount).toBe(50300);
      const other = await failure(s, (tx) =>
        allocate(tx, SEED.a1, 'dataspace', A1_DATASPACE, 301, 'alloc-3'),
      );
      expect(other.code).toBe('LD004');
      expect(other.message).toContain('idempotency key reused with a different request');
    });
  });

  it("refuses another identity's scope, unknown scopes, bad input and more than is available", async () => {
    await inLedgerRollback(sql, async (s) => {
      expect(await failure(s, (tx) => allocate(tx, SEED.a1, 'dataspace', B1_DATASPACE, 10, 'x1'))).toEqual({
        code: '42501',
        message: `identity ${SEED.a1} does not own dataspace ${B1_DATASPACE}`,
      });
      // same user, other identity: cross-identity blocking holds
      expect(
        (await failure(s, (tx) => allocate(tx, SEED.a2, 'dataspace', A1_DATASPACE, 10, 'x2'))).code,
      ).toBe('42501');
      expect(
        (await failure(s, (tx) => allocate(tx, SEED.a1, 'dataspace', randomUUID(), 10, 'x3'))).code,
      ).toBe('P0002');
      expect((await failure(s, (tx) => allocate(tx, SEED.a1, 'sphere', A1_SPHERE, 10, 'x4'))).code).toBe(
        '22023',
      );
      expect((await failure(s, (tx) => allocate(tx, SEED.a1, 'dataspace', A1_DATASPACE, 0, 'x5'))).code).toBe(
        '22023',
      );
      const over = await failure(s, (tx) =>
        allocate(tx, SEED.a1, 'dataspace', A1_DATASPACE, 10_000_000, 'x6'),
      );
      expect(over.code).toBe('LD001');
      expect(over.message).toMatch(/^insufficient balance/);
    });
  });

  it("opens a monthly budget aligned to the month in the sphere's time zone when the scope has none", async () => {
    await inLedgerRollback(sql, async (s) => {
      const [sphere, ds] = [randomUUID(), randomUUID()];
      await s.tx`insert into public.spheres (id, identity_id, name, time_zone) values (${sphere}, ${SEED.a1}, 'Tokyo', 'Asia/Tokyo')`;
      await s.tx`insert into public.dataspaces (id, identity_id, user_id, sphere_id, name)
                 values (${ds}, ${SEED.a1}, ${SEED.alice}, ${sphere}, 'Tokyo office')`;
      const a = await allocate(s.tx, SEED.a1, 'dataspace', ds, 700, 'alloc-tokyo');
      const [{ now }] = (await s.tx`select now() as now`) as unknown as [{ now: Date }];
      expect(await budgetOf(s.tx, 'dataspace', ds)).toEqual([
        {
          id: a.budget_id,
          period: 'monthly',
          amount: 700,
          time_zone: 'Asia/Tokyo',
          period_start: localPeriodStart(now, 'Asia/Tokyo', 'monthly'),
        },
      ]);
      // and spending in that dataspace is now limited by it
      const refused = await failure(
        s,
        (tx) =>
          tx`select private.ledger_debit(${SEED.a1}, 701, 'spend-tokyo', null, null, ${tx.json({ dataspace: ds })})`,
      );
      expect(refused.message).toMatch(new RegExp(`^budget exceeded: dataspace ${ds} \\(`));
    });
  });

  it('lets a signed-in client allocate from its active identity only', async () => {
    await inLedgerRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      const [a] =
        await s.tx`select id, identity_id from private.allocate_tokens('dataspace', ${A1_DATASPACE}, 5, 'client-1')`;
      expect(a!.identity_id).toBe(SEED.a1);
      expect(await s.tx`select id from public.token_allocations where id = ${a!.id}`).toHaveLength(1);
      expect(
        (
          await failure(
            s,
            (tx) => tx`select private.allocate_tokens('dataspace', ${B1_DATASPACE}, 5, 'client-2')`,
          )
        ).code,
      ).toBe('42501');
      // a forged identity claim resolves to no active identity
      await s.as({ ...asIdentity('a1'), identity_id: SEED.b1 });
      expect(
        (
          await failure(
            s,
            (tx) => tx`select private.allocate_tokens('dataspace', ${A1_DATASPACE}, 5, 'client-3')`,
          )
        ).code,
      ).toBe('42501');
      await s.as(ANON);
      expect(
        (
          await failure(
            s,
            (tx) => tx`select private.allocate_tokens('dataspace', ${A1_DATASPACE}, 5, 'client-4')`,
          )
        ).code,
      ).toBe('42501');
      // clients never call the private writer
      await s.as(asIdentity('a1'));
      expect(
        (await failure(s, (tx) => allocate(tx, SEED.a1, 'dataspace', A1_DATASPACE, 5, 'client-5'))).code,
      ).toBe('42501');
    });
  });
});
