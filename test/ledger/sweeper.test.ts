import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Sql } from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../server/db/connect.ts';
import { migrate } from '../../server/db/migrate.ts';
import { ensureSystemAccounts } from '../../server/ledger/systemAccounts.ts';
import { startLedgerSweeper, type SweepResult, type SweeperTimers } from '../../server/ledger/sweeper.ts';

// The sweeper commits global work (every expired hold, every due grant), so it runs on a database
// of its own on the run's cluster: the shared, seeded one stays as other files expect it.
const admin = connect(inject('databaseUrl'), { max: 1 });
const dbName = `chenu_sweeper_${randomUUID().replaceAll('-', '')}`;
let sql: Sql;

/** Timers the test fires by hand. */
function manualTimers() {
  const live = new Map<number, () => void>();
  let next = 1;
  const timers: SweeperTimers & { fire(): void; live: Map<number, () => void>; lastMs?: number } = {
    live,
    setInterval(fn, ms) {
      timers.lastMs = ms;
      live.set(next, fn);
      return next++;
    },
    clearInterval(handle) {
      live.delete(handle as number);
    },
    fire() {
      for (const fn of live.values()) fn();
    },
  };
  return timers;
}

/** Resolves with the next sweep result reported through onSweep. */
function sweeps() {
  const waiting: ((r: SweepResult) => void)[] = [];
  return {
    onSweep: (r: SweepResult) => waiting.shift()?.(r),
    next: () => new Promise<SweepResult>((resolve) => waiting.push(resolve)),
  };
}

beforeAll(async () => {
  await admin.unsafe(`create database ${dbName}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${dbName}`;
  sql = connect(url.toString(), { max: 4 });
  await migrate(sql, path.resolve('supabase'));
  await ensureSystemAccounts(sql);
  const user = randomUUID();
  const identity = randomUUID();
  await sql.begin(async (tx) => {
    await tx`insert into auth.users (id, email) values (${user}, 'sweeper@example.test')`;
    await tx`insert into public.users (id, email, display_name) values (${user}, 'sweeper@example.test', 'Sweeper')`;
    await tx`insert into public.identities (id, user_id, name, is_default) values (${identity}, ${user}, 'Sweeper', true)`;
    // the plans catalog ships in the migrations; this database's Pro plan grants 5 000 a month
    const [plan] =
      await tx`update public.subscription_plans set monthly_tokens = 5000 where slug = 'pro' returning id`;
    await tx`insert into public.user_subscriptions (user_id, plan_id, status, current_period_start, current_period_end)
             values (${user}, ${plan!.id}, 'active', now() - interval '1 day', now() + interval '1 month')`;
  });
});

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end({ timeout: 5 });
});

describe('startLedgerSweeper', () => {
  it('expires stale holds and grants due plan periods on every tick, then stops when disposed', async () => {
    const timers = manualTimers();
    const seen = sweeps();
    const sweeper = startLedgerSweeper({
      sql,
      timers,
      intervalMs: 1234,
      immediate: false,
      onSweep: seen.onSweep,
    });
    expect(timers.lastMs).toBe(1234);

    // first tick: the subscription's first period is granted to the default identity's new account
    let result = seen.next();
    timers.fire();
    expect(await result).toEqual({ expired: 0, granted: 1, renewed: 0 });
    const [acc] =
      await sql`select a.identity_id, a.balance::int from public.token_accounts a where a.kind = 'identity'`;
    expect(acc!.balance).toBe(5000);

    // a hold that outlived its ttl is voided on the next tick
    const [r] =
      await sql`select id from private.ledger_reserve(${acc!.identity_id}, 700, 'sweep-me', null, null,
                                                               interval '1 minute', '{}'::jsonb)`;
    await sql`update public.token_reservations set expires_at = now() - interval '1 second' where id = ${r!.id}`;
    result = seen.next();
    timers.fire();
    expect(await result).toEqual({ expired: 1, granted: 0, renewed: 0 });
    const [res] = await sql`select status from public.token_reservations where id = ${r!.id}`;
    expect(res!.status).toBe('expired');
    const [after] =
      await sql`select reserved::int from public.token_accounts where identity_id = ${acc!.identity_id}`;
    expect(after!.reserved).toBe(0);

    // sweeps never overlap: a sweep asked for while one runs joins it
    const a = sweeper.sweepNow();
    expect(sweeper.sweepNow()).toBe(a);
    expect(await a).toEqual({ expired: 0, granted: 0, renewed: 0 });

    await sweeper.dispose();
    expect(timers.live.size).toBe(0);
    await sweeper.dispose();
  });

  it('sweeps right away by default and reports a failed sweep without stopping', async () => {
    const timers = manualTimers();
    const seen = sweeps();
    const first = seen.next();
    const sweeper = startLedgerSweeper({ sql, timers, onSweep: seen.onSweep });
    expect(await first).toEqual({ expired: 0, granted: 0, renewed: 0 });
    await sweeper.dispose();

    const closed = connect(inject('databaseUrl'), { max: 1 });
    await closed.end();
    const brokenTimers = manualTimers();
    let reported!: (error: unknown) => void;
    const failed = new Promise<unknown>((resolve) => (reported = resolve));
    const broken = startLedgerSweeper({ sql: closed, timers: brokenTimers, onError: reported });
    expect(String(await failed)).toMatch(/CONNECTION_ENDED|ended/i);
    // still scheduled: the next tick tries again
    expect(brokenTimers.live.size).toBe(1);
    await broken.dispose();
  });
});
