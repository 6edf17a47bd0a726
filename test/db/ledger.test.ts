import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';
import { seedClock } from '../helpers/seedClock.ts';

const { sql } = useDatabase();

const A1_DATASPACE = seedId('a1', '0003');
const A1_THREAD = seedId('a1', '0004');
const B1_DATASPACE = seedId('b1', '0003');

interface Reservation {
  id: string;
  status: string;
  amount: number;
  committed_amount: number;
}

/** The SQLSTATE and message a statement fails with, isolated in a savepoint. */
async function failure(s: Scenario, run: (tx: TransactionSql) => Promise<unknown>) {
  try {
    await s.tx.savepoint((sp) => run(sp));
    return { code: 'ok', message: '' };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (!e.code) throw error;
    return { code: e.code, message: e.message ?? '' };
  }
}

async function reserve(
  tx: TransactionSql,
  identity: string,
  amount: number,
  key: string,
  scopes: Record<string, string> = {},
  ref: { type: string | null; id: string | null } = { type: null, id: null },
  ttl = '15 minutes',
): Promise<Reservation> {
  const [r] = await tx`
    select id, status, amount::int, committed_amount::int
    from private.ledger_reserve(${identity}, ${amount}, ${key}, ${ref.type}, ${ref.id},
                                ${ttl}::interval, ${tx.json(scopes)})`;
  return r as Reservation;
}

async function commit(tx: TransactionSql, id: string, actual: number, key: string): Promise<Reservation> {
  const [r] = await tx`
    select id, status, amount::int, committed_amount::int from private.ledger_commit(${id}, ${actual}, ${key})`;
  return r as Reservation;
}

async function release(tx: TransactionSql, id: string, key: string): Promise<Reservation> {
  const [r] = await tx`
    select id, status, amount::int, committed_amount::int from private.ledger_release(${id}, ${key})`;
  return r as Reservation;
}

async function account(tx: TransactionSql, identity: string) {
  const [a] = await tx`select balance::int, reserved::int, lifetime_spent::int
                       from public.token_accounts where identity_id = ${identity}`;
  return a as { balance: number; reserved: number; lifetime_spent: number };
}

/** The balance of the provider shard a posting went to. */
async function shardBalance(tx: TransactionSql, accountId: string): Promise<number> {
  const [a] = await tx`select balance::int from public.token_accounts
                       where id = ${accountId} and kind = 'system_provider'`;
  return a!.balance as number;
}

async function budget(tx: TransactionSql, scopeType: string, scopeId: string) {
  const [b] = await tx`select spent::int, reserved::int from public.token_budgets
                       where scope_type = ${scopeType} and scope_id = ${scopeId}`;
  return b as { spent: number; reserved: number };
}

async function unbalancedMovements(tx: TransactionSql): Promise<unknown[]> {
  return [
    ...(await tx`select movement_id, sum(amount)::int as total from public.token_transactions
            where type in ('credit', 'debit', 'transfer') group by movement_id having sum(amount) <> 0`),
  ];
}

describe('ledger two-phase spending', () => {
  it('reserves, commits part to the provider and releases the rest, across budgets and the thread', async () => {
    await inRollback(sql, async (s) => {
      // the stored `spent` of the seeded monthly budget is this period's only in the seed's month
      await s.pinClock(seedClock());
      const before = await account(s.tx, SEED.a1);
      const dsBefore = await budget(s.tx, 'dataspace', A1_DATASPACE);
      const thBefore = await budget(s.tx, 'thread', A1_THREAD);
      const [thread] = await s.tx`select tokens_consumed::int from public.threads where id = ${A1_THREAD}`;

      const r = await reserve(
        s.tx,
        SEED.a1,
        3000,
        'run-1:reserve',
        { dataspace: A1_DATASPACE, thread: A1_THREAD },
        { type: 'thread', id: A1_THREAD },
      );
      expect(r.status).toBe('open');
      expect(await account(s.tx, SEED.a1)).toMatchObject({
        balance: before.balance,
        reserved: before.reserved + 3000,
      });
      expect(await budget(s.tx, 'dataspace', A1_DATASPACE)).toEqual({
        ...dsBefore,
        reserved: dsBefore.reserved + 3000,
      });
      expect(await budget(s.tx, 'thread', A1_THREAD)).toEqual({
        ...thBefore,
        reserved: thBefore.reserved + 3000,
      });

      const c = await commit(s.tx, r.id, 1000, 'run-1:commit');
      expect(c).toMatchObject({ status: 'committed', committed_amount: 1000 });
      expect(await account(s.tx, SEED.a1)).toEqual({
        balance: before.balance - 1000,
        reserved: before.reserved,
        lifetime_spent: before.lifetime_spent + 1000,
      });
      // the commit holds the provider's row lock until rollback, so its posting shows the current balance
      const [credit] = await s.tx`select t.account_id, t.balance_after::int from public.token_transactions t
        join public.token_movements m on m.id = t.movement_id
        where m.identity_id = ${SEED.a1} and m.idempotency_key = 'run-1:commit' and t.type = 'credit'`;
      expect(await shardBalance(s.tx, credit!.account_id)).toBe(credit!.balance_after);
      expect(await budget(s.tx, 'dataspace', A1_DATASPACE)).toEqual({
        spent: dsBefore.spent + 1000,
        reserved: 0,
      });
      expect(await budget(s.tx, 'thread', A1_THREAD)).toEqual({ spent: thBefore.spent + 1000, reserved: 0 });
      const [after] = await s.tx`select tokens_consumed::int from public.threads where id = ${A1_THREAD}`;
      expect(after!.tokens_consumed).toBe(thread!.tokens_consumed + 1000);

      const postings = await s.tx`select type, amount::int from public.token_transactions t
        join public.token_movements m on m.id = t.movement_id
        where m.identity_id = ${SEED.a1} and m.idempotency_key = 'run-1:commit' order by t.entry_no`;
      expect(postings).toEqual([
        { type: 'release', amount: -3000 },
        { type: 'debit', amount: -1000 },
        { type: 'credit', amount: 1000 },
      ]);
      const audit = await s.tx`select action from public.audit_log where entity_id = ${r.id} order by seq`;
      expect(audit.map((a) => a.action)).toEqual(['ledger.reserve', 'ledger.commit']);
    });
  });

  it('releases a whole hold without touching the balance', async () => {
    await inRollback(sql, async (s) => {
      const before = await account(s.tx, SEED.a2);
      const r = await reserve(s.tx, SEED.a2, 500, 'run-2:reserve');
      expect((await release(s.tx, r.id, 'run-2:release')).status).toBe('released');
      expect(await account(s.tx, SEED.a2)).toEqual(before);
    });
  });

  it('voids expired holds with the sweeper', async () => {
    await inRollback(sql, async (s) => {
      const before = await account(s.tx, SEED.a2);
      const live = await reserve(s.tx, SEED.a2, 400, 'run-3:live');
      const stale = await reserve(
        s.tx,
        SEED.a2,
        700,
        'run-3:stale',
        {},
        { type: null, id: null },
        '1 second',
      );
      await s.tx`update public.token_reservations set expires_at = now() - interval '1 minute' where id = ${stale.id}`;
      const [{ n }] = (await s.tx`select private.ledger_expire_sweep() as n`) as unknown as [{ n: number }];
      expect(n).toBeGreaterThanOrEqual(1);
      const rows =
        await s.tx`select id, status from public.token_reservations where id in (${live.id}, ${stale.id})`;
      expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
        [live.id]: 'open',
        [stale.id]: 'expired',
      });
      expect(await account(s.tx, SEED.a2)).toMatchObject({
        balance: before.balance,
        reserved: before.reserved + 400,
      });
      const [{ again }] = (await s.tx`select private.ledger_expire_sweep() as again`) as unknown as [
        { again: number },
      ];
      expect(again).toBe(0);
    });
  });

  it('resolves a reservation at most once, whatever writes it', async () => {
    await inRollback(sql, async (s) => {
      const r = await reserve(s.tx, SEED.a2, 800, 'run-4:reserve');
      await commit(s.tx, r.id, 800, 'run-4:commit');
      const again = await failure(s, (tx) => commit(tx, r.id, 10, 'run-4:commit-again'));
      expect(again.code).toBe('55000');
      expect(again.message).toMatch(/already committed/);
      expect((await failure(s, (tx) => release(tx, r.id, 'run-4:release'))).code).toBe('55000');
      const direct = await failure(
        s,
        (tx) =>
          tx`update public.token_reservations set status = 'released', committed_amount = 0 where id = ${r.id}`,
      );
      expect(direct.code).toBe('55000');
      expect(await failure(s, (tx) => commit(tx, r.id, 900, 'run-5:commit'))).toMatchObject({
        code: '55000',
      });
    });
  });

  it('refuses to commit more than was reserved', async () => {
    await inRollback(sql, async (s) => {
      const r = await reserve(s.tx, SEED.a2, 100, 'run-6:reserve');
      expect((await failure(s, (tx) => commit(tx, r.id, 101, 'run-6:commit'))).code).toBe('22023');
    });
  });
});

describe('ledger idempotency', () => {
  it('returns the first result on a replay and refuses the key with a different request', async () => {
    await inRollback(sql, async (s) => {
      const before = await account(s.tx, SEED.a2);
      const first = await reserve(s.tx, SEED.a2, 600, 'idem-1');
      const replay = await reserve(s.tx, SEED.a2, 600, 'idem-1');
      expect(replay.id).toBe(first.id);
      expect(await account(s.tx, SEED.a2)).toMatchObject({ reserved: before.reserved + 600 });

      const mismatch = await failure(s, (tx) => reserve(tx, SEED.a2, 601, 'idem-1'));
      expect(mismatch.code).toBe('LD004');
      expect(mismatch.message).toContain('idempotency key reused with a different request');

      const c1 = await commit(s.tx, first.id, 200, 'idem-1:commit');
      const c2 = await commit(s.tx, first.id, 200, 'idem-1:commit');
      expect(c2).toEqual(c1);
      expect(await account(s.tx, SEED.a2)).toMatchObject({
        balance: before.balance - 200,
        reserved: before.reserved,
      });
      const other = await failure(s, (tx) => commit(tx, first.id, 300, 'idem-1:commit'));
      expect(other.message).toContain('idempotency key reused with a different request');

      const [t1] = await s.tx`select id from private.ledger_transfer(${SEED.a2}, ${SEED.a1}, 50, 'idem-t')`;
      const [t2] = await s.tx`select id from private.ledger_transfer(${SEED.a2}, ${SEED.a1}, 50, 'idem-t')`;
      expect(t2!.id).toBe(t1!.id);
      expect(await account(s.tx, SEED.a2)).toMatchObject({ balance: before.balance - 250 });
      const otherTarget = await failure(
        s,
        (tx) => tx`select private.ledger_transfer(${SEED.a2}, ${SEED.b1}, 50, 'idem-t')`,
      );
      expect(otherTarget).toMatchObject({ code: 'LD004' });

      const [m1] = await s.tx`select id from private.ledger_credit(${SEED.a2}, 10, 'idem-c', 'manual', null)`;
      const [m2] = await s.tx`select id from private.ledger_credit(${SEED.a2}, 10, 'idem-c', 'manual', null)`;
      expect(m2!.id).toBe(m1!.id);
      expect(await account(s.tx, SEED.a2)).toMatchObject({ balance: before.balance - 240 });
    });
  });
});

describe('ledger refusals', () => {
  it('names the budget scope that refused', async () => {
    await inRollback(sql, async (s) => {
      const ds = await failure(s, (tx) => reserve(tx, SEED.b1, 9000, 'big', { dataspace: B1_DATASPACE }));
      expect(ds.code).toBe('LD002');
      expect(ds.message).toMatch(new RegExp(`^budget exceeded: dataspace ${B1_DATASPACE} \\(`));
      const th = await failure(s, (tx) => reserve(tx, SEED.a1, 4000, 'big', { thread: A1_THREAD }));
      expect(th.code).toBe('LD002');
      expect(th.message).toMatch(new RegExp(`^budget exceeded: thread ${A1_THREAD} \\(`));
      // B1's identity budget applies to every reservation, named or not
      const id = await failure(s, (tx) => reserve(tx, SEED.b1, 59000, 'bigger'));
      expect(id.code).toBe('LD002');
      expect(id.message).toMatch(new RegExp(`^budget exceeded: identity ${SEED.b1} \\(`));
      // nothing was held by the refused attempts
      expect(await budget(s.tx, 'dataspace', B1_DATASPACE)).toEqual({ spent: 0, reserved: 1500 });
    });
  });

  it('refuses to hold or move more than the available balance', async () => {
    await inRollback(sql, async (s) => {
      const { balance, reserved } = await account(s.tx, SEED.b2);
      const r = await failure(s, (tx) => reserve(tx, SEED.b2, balance - reserved + 1, 'too-much'));
      expect(r.code).toBe('LD001');
      expect(r.message).toMatch(/^insufficient balance/);
      const t = await failure(
        s,
        (tx) => tx`select private.ledger_transfer(${SEED.b2}, ${SEED.b1}, ${balance + 1}, 'x')`,
      );
      expect(t.code).toBe('LD001');
      expect(t.message).toMatch(/^insufficient balance/);
      // the hold counts: available = balance - reserved
      await reserve(s.tx, SEED.b2, balance - 10, 'most');
      const after = await failure(
        s,
        (tx) => tx`select private.ledger_transfer(${SEED.b2}, ${SEED.b1}, 11, 'y')`,
      );
      expect(after.code).toBe('LD001');
    });
  });

  it('keeps every movement balanced', async () => {
    await inRollback(sql, async (s) => {
      const r = await reserve(s.tx, SEED.a1, 1000, 'bal-1', { dataspace: A1_DATASPACE });
      await commit(s.tx, r.id, 999, 'bal-1:commit');
      await s.tx`select private.ledger_transfer(${SEED.a1}, ${SEED.b1}, 123, 'bal-2')`;
      await s.tx`select private.ledger_credit(${SEED.b2}, 77, 'bal-3', 'manual', null)`;
      await s.tx`set constraints all immediate`;
      expect(await unbalancedMovements(s.tx)).toEqual([]);
      const [{ total }] =
        (await s.tx`select sum(balance)::int as total from public.token_accounts`) as unknown as [
          { total: number },
        ];
      expect(total).toBe(0);
    });
  });

  it('lets only the service role call the ledger functions', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      expect((await failure(s, (tx) => reserve(tx, SEED.a1, 10, 'client'))).code).toBe('42501');
      await s.as({ role: 'service_role' });
      expect((await reserve(s.tx, SEED.a1, 10, 'server')).status).toBe('open');
    });
  });
});
