/**
 * The money rule of shared spaces (issue 14), on the ledger functions: a spend in another identity's
 * dataspace is paid by the identity that spends (its balance, its identity budget), while the place's
 * dataspace and thread budgets, set by their owner, still cap it and the refusal names that scope;
 * the owner's sphere and domain budgets cap only the owner's own spending. Settlement unwinds the
 * owner's budgets that the member's hold charged, and the ledger's invariants hold.
 */
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { freshUser } from '../helpers/sharing.ts';
import { SEED, seedId } from '../helpers/personas.ts';
import { inLedgerRollback } from './ledgerRollback.ts';
import { ledgerViolations } from './invariants.ts';

const { sql } = useDatabase(2);
const SPACE = seedId('a1', '0003');

async function budget(tx: TransactionSql, scope: string, id: string, amount: number): Promise<string> {
  const [b] = await tx<{ id: string }[]>`
    insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount, period_start, period_end)
    values (${SEED.a1}, ${scope}, ${id}, 'project', ${amount}, now() - interval '1 day', now() + interval '30 days')
    on conflict (scope_type, scope_id, period) do update set amount = excluded.amount, spent = 0, reserved = 0
    returning id`;
  return b!.id;
}

async function figures(tx: TransactionSql, ids: string[]) {
  const rows = await tx<{ id: string; spent: number; reserved: number }[]>`
    select id, spent::int, reserved::int from public.token_budgets where id = any(${ids})`;
  return Object.fromEntries(rows.map((r) => [r.id, [r.spent, r.reserved]]));
}

/** The message a statement is refused with (run in a savepoint), or '' when it succeeds. */
async function refusal(tx: TransactionSql, run: (t: TransactionSql) => Promise<unknown>): Promise<string> {
  try {
    await tx.savepoint(run);
    return '';
  } catch (error) {
    return (error as { message: string }).message;
  }
}

describe('a spend in a shared dataspace', () => {
  it('is paid by the spender and capped by the place’s dataspace and thread budgets, not the owner’s sphere', async () => {
    await inLedgerRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const tx = s.tx;
      const [{ sphere_id: sphere } = { sphere_id: '' }] = await tx<{ sphere_id: string }[]>`
        select sphere_id from public.dataspaces where id = ${SPACE}`;
      const [thread] = await tx<{ id: string }[]>`
        insert into public.threads (identity_id, dataspace_id, title) values (${SEED.a1}, ${SPACE}, 'Partagé') returning id`;
      await tx`insert into public.token_accounts (identity_id, user_id) values (${carol.i1}, ${carol.user})`;
      await tx`select private.ledger_credit(${carol.i1}, 5000, 'carol-credit', 'manual', null)`;
      const spaceBudget = await budget(tx, 'dataspace', SPACE, 1000);
      const threadBudget = await budget(tx, 'thread', thread!.id, 800);
      // the owner's sphere budget is tiny: it must not refuse Carol
      const sphereBudget = await budget(tx, 'sphere', sphere, 1);
      const [alice] = await tx<
        { balance: number }[]
      >`select balance::int from public.token_accounts where identity_id = ${SEED.a1}`;

      const scopes = { dataspace: SPACE, thread: thread!.id, sphere };
      const [hold] = await tx<{ id: string; identity_id: string; account_id: string }[]>`
        select id, identity_id, account_id from private.ledger_reserve(${carol.i1}, 600, 'carol-hold', 'agent_execution', null,
                                                                 interval '5 minutes', ${tx.json(scopes)})`;
      expect(hold!.identity_id).toBe(carol.i1);
      expect(await figures(tx, [spaceBudget, threadBudget, sphereBudget])).toEqual({
        [spaceBudget]: [0, 600],
        [threadBudget]: [0, 600],
        [sphereBudget]: [0, 0],
      });
      // more than the thread's budget left: refused, naming the thread; the dataspace next
      const message = await refusal(
        tx,
        (t) => t`select private.ledger_reserve(${carol.i1}, 300, 'carol-hold-3', 'agent_execution', null,
                                               interval '5 minutes', ${t.json(scopes)})`,
      );
      expect(message).toBe(`budget exceeded: thread ${thread!.id}`);
      const onlySpace = { dataspace: SPACE };
      await tx`select private.ledger_debit(${carol.i1}, 300, 'carol-debit', null, null, ${tx.json(onlySpace)})`;
      const overSpace = await refusal(
        tx,
        (t) =>
          t`select private.ledger_debit(${carol.i1}, 200, 'carol-debit-2', null, null, ${t.json(onlySpace)})`,
      );
      expect(overSpace).toBe(`budget exceeded: dataspace ${SPACE}`);

      // settlement: Carol pays what was used; the owner's budgets carry it; Alice's balance never moves
      await tx`select 1 from private.ledger_commit(${hold!.id}, 250, 'carol-commit')`;
      expect(await figures(tx, [spaceBudget, threadBudget, sphereBudget])).toEqual({
        [spaceBudget]: [550, 0],
        [threadBudget]: [250, 0],
        [sphereBudget]: [0, 0],
      });
      const [after] = await tx<{ carol: number; alice: number }[]>`
        select (select balance::int from public.token_accounts where identity_id = ${carol.i1}) as carol,
               (select balance::int from public.token_accounts where identity_id = ${SEED.a1}) as alice`;
      expect(after).toEqual({ carol: 5000 - 300 - 250, alice: alice!.balance });
      // the owner's own spend there is capped by her sphere budget as before
      const own = await refusal(
        tx,
        (t) =>
          t`select private.ledger_debit(${SEED.a1}, 5, 'alice-debit', null, null, ${t.json({ sphere })})`,
      );
      expect(own).toBe(`budget exceeded: sphere ${sphere}`);
      await tx`set constraints all immediate`;
      expect(await ledgerViolations(tx, [carol.i1])).toEqual([]);
    });
  });
});
