import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { seedClock } from '../helpers/seedClock.ts';
import { inLedgerRollback } from './ledgerRollback.ts';
import type { Scenario } from '../helpers/rollback.ts';
import { ledgerViolations } from './invariants.ts';

const { sql } = useDatabase(4);
// the shard test holds every provider shard for a moment: on a database of its own, so no other
// file's spender queues behind it
const shardDb = useIsolatedDatabase('shards', 3);

const A1_DATASPACE = seedId('a1', '0003');
const A1_THREAD = seedId('a1', '0004');

async function debit(
  tx: TransactionSql,
  identity: string,
  amount: number,
  key: string,
  scopes: Record<string, string> = {},
  ref: { type: string | null; id: string | null } = { type: null, id: null },
): Promise<{ id: string; kind: string }> {
  const [m] = await tx`select id, kind from private.ledger_debit(${identity}, ${amount}, ${key}, ${ref.type},
                                                            ${ref.id}, ${tx.json(scopes)})`;
  return m as { id: string; kind: string };
}

async function account(tx: TransactionSql, identity: string) {
  const [a] = await tx`select balance::int, reserved::int, lifetime_spent::int
                       from public.token_accounts where identity_id = ${identity}`;
  return a as { balance: number; reserved: number; lifetime_spent: number };
}

async function failure(s: Scenario, run: (tx: TransactionSql) => Promise<unknown>) {
  const r = await s.attempt(run);
  return r.state;
}

describe('private.ledger_debit', () => {
  it('spends in one call: balance, budgets, thread consumption, provider, audit, balanced postings', async () => {
    await inLedgerRollback(sql, async (s) => {
      // the stored `spent` of the seeded monthly budget is this period's only in the seed's month
      await s.pinClock(seedClock());
      const before = await account(s.tx, SEED.a1);
      const budgets = async () =>
        Object.fromEntries(
          (
            await s.tx`select scope_type, spent::int from public.token_budgets where identity_id = ${SEED.a1}`
          ).map((b) => [b.scope_type, b.spent]),
        );
      const bBefore = await budgets();
      const [th] = await s.tx`select tokens_consumed::int as n from public.threads where id = ${A1_THREAD}`;
      const provider = async () =>
        Number((await s.tx`select private.ledger_system_balance('system_provider') as b`)[0]!.b);
      const pBefore = await provider();

      const m = await debit(s.tx, SEED.a1, 250, 'debit-1', { dataspace: A1_DATASPACE, thread: A1_THREAD });
      expect(m.kind).toBe('debit');
      expect(await account(s.tx, SEED.a1)).toEqual({
        balance: before.balance - 250,
        reserved: before.reserved,
        lifetime_spent: before.lifetime_spent + 250,
      });
      expect(await budgets()).toEqual({ dataspace: bBefore.dataspace! + 250, thread: bBefore.thread! + 250 });
      const [after] =
        await s.tx`select tokens_consumed::int as n from public.threads where id = ${A1_THREAD}`;
      expect(after!.n).toBe(th!.n + 250);
      expect(await provider()).toBe(pBefore + 250);
      const postings = await s.tx`select type, amount::int from public.token_transactions
                                  where movement_id = ${m.id} order by entry_no`;
      expect(postings).toEqual([
        { type: 'debit', amount: -250 },
        { type: 'credit', amount: 250 },
      ]);
      const [audit] = await s.tx`select action, payload from public.audit_log where entity_id = ${m.id}`;
      expect(audit!.action).toBe('ledger.debit');
      await s.tx`set constraints all immediate`;
      // the seed predates audit-per-settlement, so only the global invariants apply here
      expect(await ledgerViolations(s.tx, [])).toEqual([]);
    });
  });

  it('returns the first movement on a replay and refuses the key with a different request', async () => {
    await inLedgerRollback(sql, async (s) => {
      const before = await account(s.tx, SEED.a2);
      const first = await debit(s.tx, SEED.a2, 40, 'debit-2');
      expect((await debit(s.tx, SEED.a2, 40, 'debit-2')).id).toBe(first.id);
      expect(await account(s.tx, SEED.a2)).toMatchObject({ balance: before.balance - 40 });
      expect(await failure(s, (tx) => debit(tx, SEED.a2, 41, 'debit-2'))).toBe('LD004');
      // a key first used by another kind of operation is refused too
      await s.tx`select private.ledger_credit(${SEED.a2}, 5, 'debit-3', 'manual', null)`;
      expect(await failure(s, (tx) => debit(tx, SEED.a2, 5, 'debit-3'))).toBe('LD004');
    });
  });

  it('refuses beyond the balance or a budget, naming the scope, and holds count', async () => {
    await inLedgerRollback(sql, async (s) => {
      const overBudget = await s.attempt((tx) => debit(tx, SEED.a1, 4000, 'big', { thread: A1_THREAD }));
      expect(overBudget.state).toBe('LD002');
      const message = await s.tx
        .savepoint((sp) => debit(sp, SEED.a1, 4000, 'big', { thread: A1_THREAD }))
        .then(
          () => '',
          (error: unknown) => (error as Error).message,
        );
      expect(message).toMatch(new RegExp(`^budget exceeded: thread ${A1_THREAD} \\(`));
      const { balance } = await account(s.tx, SEED.a2);
      expect(await failure(s, (tx) => debit(tx, SEED.a2, balance + 1, 'too-much'))).toBe('LD001');
      await s.tx`select private.ledger_reserve(${SEED.a2}, ${balance - 10}, 'hold', null, null,
                                               interval '1 minute', '{}'::jsonb)`;
      expect(await failure(s, (tx) => debit(tx, SEED.a2, 11, 'over-hold'))).toBe('LD001');
      expect(await failure(s, (tx) => debit(tx, SEED.a2, 0, 'zero'))).toBe('22023');
      expect(await failure(s, (tx) => debit(tx, SEED.a2, 1, 'bad-scope', { galaxy: SEED.a2 }))).toBe('22023');
      expect(await failure(s, (tx) => debit(tx, SEED.a2, 1, 'bad-scope', { identity: SEED.a1 }))).toBe(
        '22023',
      );
    });
  });

  it('is callable by the service role only', async () => {
    await inLedgerRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      expect(await failure(s, (tx) => debit(tx, SEED.a1, 1, 'client'))).toBe('42501');
      await s.as({ role: 'service_role' });
      expect((await debit(s.tx, SEED.a1, 1, 'server')).kind).toBe('debit');
    });
  });
});

/** Resolves once backend `pid` queues for a lock (polled every 5 ms, for 10 s at most). */
async function untilWaitingOnLock(pid: number): Promise<void> {
  const watcher = shardDb.sql();
  for (let i = 0; i < 2000; i++) {
    const [row] = await watcher`select count(*)::int as n from pg_locks where pid = ${pid} and not granted`;
    if (row!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`backend ${pid} never queued for a lock`);
}

describe('sharded system accounts', () => {
  it('lets a second spender take a free provider shard instead of queueing on the first', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    let shards = 0;
    const first = inLedgerRollback(shardDb.sql(), async (s) => {
      await debit(s.tx, SEED.a1, 1, 'shard-first');
      // then every provider shard, as if as many spenders were settling at once
      const all = await s.tx`select id from public.token_accounts where kind = 'system_provider' for update`;
      shards = all.length;
      held();
      await gate;
    });
    await holding;
    try {
      await inLedgerRollback(shardDb.sql(), async (s) => {
        // a fresh identity of this transaction's own
        const [user, identity] = [randomUUID(), randomUUID()];
        await s.tx`insert into auth.users (id, email) values (${user}, ${`shard-${user}@example.test`})`;
        await s.tx`insert into public.users (id, email, display_name) values (${user}, ${`shard-${user}@example.test`}, 'Shard')`;
        await s.tx`insert into public.identities (id, user_id, name) values (${identity}, ${user}, 'Shard')`;
        await s.tx`insert into public.token_accounts (kind, identity_id, user_id, balance, lifetime_earned)
                   values ('identity', ${identity}, ${user}, 0, 0)`;
        // the mint's shards are free (the open transaction only holds the provider's)
        await s.tx`select private.ledger_credit(${identity}, 10, 'shard-fund', 'manual', null)`;
        // with every provider shard held by the open transaction, a spender must wait: it queues on a
        // lock (seen in pg_locks), and is cancelled from outside rather than by a timer, which would
        // make the test depend on the clock (and Postgres' timers misfire under libfaketime)
        const [{ pid }] = (await s.tx`select pg_backend_pid() as pid`) as unknown as [{ pid: number }];
        const waited = failure(s, (tx) => debit(tx, identity, 1, 'shard-wait'));
        await untilWaitingOnLock(pid);
        await shardDb.sql()`select pg_cancel_backend(${pid})`;
        expect(await waited).toBe('57014');
        // one more shard: the spender takes it at once instead of queueing
        await s.tx`select private.ledger_ensure_system_shards(${shards + 1})`;
        const m = await debit(s.tx, identity, 1, 'shard-second');
        const [posting] = await s.tx`select a.shard from public.token_transactions t
          join public.token_accounts a on a.id = t.account_id where t.movement_id = ${m.id} and t.type = 'credit'`;
        expect(posting!.shard).toBe(shards);
        expect(await failure(s, (tx) => tx`select private.ledger_ensure_system_shards(0)`)).toBe('22023');
      });
    } finally {
      release();
      await first;
    }
  });
});
