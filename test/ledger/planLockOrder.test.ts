/**
 * The ledger's lock order across the plan functions: a ledger operation locks the identity's
 * account first and writes its audit row last (the identity's audit-chain lock). The sweeper's
 * renewal and grant jobs, run in one transaction, must take the same locks in the same order, or a
 * run on that identity in between deadlocks with them. Two real transactions on two connections:
 * the "run" holds a1's account, the sweep starts and must wait for it, then the run writes its audit
 * row, which must go through (before the fix the sweep held a1's audit chain by then: Postgres
 * aborted one side with 40P01, and under faketime, where its deadlock timer does not fire, both hung).
 */
import { describe, expect, it } from 'vitest';
import { deferred, useDatabase, waitsForLock } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';

const { sql } = useDatabase(3);

const ROLLBACK = new Error('rollback');

describe('plan functions and the ledger lock order', () => {
  it('lets a run on the same identity audit while the sweep waits for its account', async () => {
    const runHoldsAccount = deferred<true>();
    const sweepPid = deferred<number>();
    const order: string[] = [];

    const run = sql.begin(async (tx) => {
      await tx`select 1 from private.ledger_lock_account(${SEED.a1})`;
      runHoldsAccount.resolve(true);
      await waitsForLock(sql, await sweepPid.promise);
      await tx`select private.audit(${SEED.a1}, 'test.lock_order', 'identity', ${SEED.a1}, '{}'::jsonb)`;
      order.push('run audited');
      throw ROLLBACK;
    });
    const sweep = sql.begin(async (tx) => {
      await runHoldsAccount.promise;
      sweepPid.resolve((await tx`select pg_backend_pid() as pid`)[0]!.pid as number);
      // the sweep runs a day after a1's current period ends: it renews and grants a1's subscription
      await tx`select set_config('chenu.clock', (select (us.current_period_end + interval '1 day')::text
                                                  from public.user_subscriptions us
                                                  where us.identity_id = ${SEED.a1} and us.status = 'active'), true)`;
      await tx`select private.renew_subscriptions(), private.ledger_grant_plans()`;
      order.push('sweep done');
      throw ROLLBACK;
    });

    const outcomes = await Promise.allSettled([run, sweep]);
    expect(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'committed')),
    ).toEqual(['rollback', 'rollback']);
    expect(order).toEqual(['run audited', 'sweep done']);
  });
});
