import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { SEED, seedId } from '../helpers/personas.ts';
import { inLedgerRollback } from './ledgerRollback.ts';
import { ledgerViolations } from './invariants.ts';

const { sql } = useDatabase(2);

const A1_DATASPACE = seedId('a1', '0003');

/** A thread of a1's kitchen dataspace capped at `cap` tokens. */
async function cappedThread(tx: TransactionSql, cap: number): Promise<string> {
  const [t] = await tx`insert into public.threads (identity_id, dataspace_id, title, token_budget)
                       values (${SEED.a1}, ${A1_DATASPACE}, 'Plafond', ${cap}) returning id`;
  return t!.id as string;
}

async function usage(tx: TransactionSql, thread: string) {
  const [t] =
    await tx`select tokens_consumed::int as consumed, tokens_reserved::int as reserved from public.threads where id = ${thread}`;
  return t;
}

const debit = (tx: TransactionSql, thread: string, amount: number, key: string) =>
  tx`select id from private.ledger_debit(${SEED.a1}, ${amount}, ${key}, 'thread', ${thread}, '{}'::jsonb)`;
const reserve = (tx: TransactionSql, thread: string, amount: number, key: string) =>
  tx<
    { id: string }[]
  >`select id from private.ledger_reserve(${SEED.a1}, ${amount}, ${key}, 'agent_execution', null,
                                                             interval '5 minutes', ${tx.json({ thread })})`;

describe("a thread's own token budget (threads.token_budget)", () => {
  it('caps what runs consume or hold on the thread, and names the thread when it refuses', async () => {
    await inLedgerRollback(sql, async (s) => {
      const thread = await cappedThread(s.tx, 100);
      await debit(s.tx, thread, 60, 'cap-d1');
      const [hold] = await reserve(s.tx, thread, 30, 'cap-r1');
      expect(await usage(s.tx, thread)).toEqual({ consumed: 60, reserved: 30 });

      for (const attempt of [
        (tx: TransactionSql) => debit(tx, thread, 11, 'cap-d2'),
        (tx: TransactionSql) => reserve(tx, thread, 11, 'cap-r2'),
      ]) {
        const refused = await s.tx.savepoint(attempt).then(
          () => null,
          (e: { code?: string; message?: string; detail?: string }) => e,
        );
        expect(refused).toMatchObject({
          code: 'LD002',
          message: `budget exceeded: thread ${thread} (90 of 100 consumed or held, 11 requested)`,
        });
        expect(JSON.parse(refused!.detail!)).toMatchObject({
          code: 'budget_exceeded',
          scope: { type: 'thread', id: thread },
          cap: 100,
          committed: 90,
          requested: 11,
        });
      }
      expect(await usage(s.tx, thread)).toEqual({ consumed: 60, reserved: 30 });

      // the hold becomes consumption (25 used, 5 returned), which makes room for exactly 15 more
      await s.tx`select 1 from private.ledger_commit(${hold!.id}, 25, 'cap-c1')`;
      expect(await usage(s.tx, thread)).toEqual({ consumed: 85, reserved: 0 });
      await debit(s.tx, thread, 15, 'cap-d3');
      const over = await s.attempt((tx) => debit(tx, thread, 1, 'cap-d4'));
      expect(over.state).toBe('LD002');
      expect(await ledgerViolations(s.tx, [])).toEqual([]); // the seed's history predates per-identity checks
    });
  });

  it('raises the cap by what is allocated to the thread, once per allocation', async () => {
    await inLedgerRollback(sql, async (s) => {
      const capped = await cappedThread(s.tx, 100);
      const [open] = await s.tx`insert into public.threads (identity_id, dataspace_id, title)
                                values (${SEED.a1}, ${A1_DATASPACE}, 'Ouvert') returning id`;
      for (const key of ['alloc-1', 'alloc-1', 'alloc-2']) {
        await s.tx`select 1 from private.ledger_allocate(${SEED.a1}, 'thread', ${capped}, 50, ${key})`;
      }
      await s.tx`select 1 from private.ledger_allocate(${SEED.a1}, 'thread', ${open!.id}, 50, 'alloc-3')`;
      const caps =
        await s.tx`select id, token_budget::int as cap from public.threads where id in (${capped}, ${open!.id})`;
      expect(Object.fromEntries(caps.map((c) => [c.id, c.cap]))).toEqual({ [capped]: 200, [open!.id]: null });
      // seeded allocations are history, not re-applied: the seeded thread keeps its 5,000 cap
      const [seeded] =
        await s.tx`select token_budget::int as cap from public.threads where id = ${seedId('a1', '0004')}`;
      expect(seeded!.cap).toBe(5000);
      // the allocated tokens can be spent on the thread
      await debit(s.tx, capped, 200, 'alloc-d1');
      expect(await usage(s.tx, capped)).toEqual({ consumed: 200, reserved: 0 });
    });
  });

  it('settles a hold even after the owner lowered the cap, then refuses new runs', async () => {
    await inLedgerRollback(sql, async (s) => {
      const thread = await cappedThread(s.tx, 100);
      const [committed] = await reserve(s.tx, thread, 40, 'low-r1');
      const [released] = await reserve(s.tx, thread, 20, 'low-r2');
      await s.tx`update public.threads set token_budget = 10 where id = ${thread}`;
      await s.tx`select 1 from private.ledger_commit(${committed!.id}, 40, 'low-c1')`;
      await s.tx`select 1 from private.ledger_release(${released!.id}, 'low-x1')`;
      expect(await usage(s.tx, thread)).toEqual({ consumed: 40, reserved: 0 });
      expect((await s.attempt((tx) => reserve(tx, thread, 1, 'low-r3'))).state).toBe('LD002');

      // an uncapped thread only counts
      await s.tx`update public.threads set token_budget = null where id = ${thread}`;
      await debit(s.tx, thread, 500, 'low-d1');
      expect(await usage(s.tx, thread)).toEqual({ consumed: 540, reserved: 0 });
      expect(await ledgerViolations(s.tx, [])).toEqual([]); // the seed's history predates per-identity checks
    });
  });
});
