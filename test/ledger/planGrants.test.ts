import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { inLedgerRollback } from './ledgerRollback.ts';

const { sql } = useDatabase(2);

const STARTER_PLAN = 'c0000000-0000-4000-8000-026000000002';

/** A fresh user (in `timeZone`) with a default and a second identity, neither with an account. */
async function freshUser(tx: TransactionSql, timeZone: string) {
  const user = randomUUID();
  const [main, side] = [randomUUID(), randomUUID()];
  const email = `plans-${user}@example.test`;
  await tx`insert into auth.users (id, email) values (${user}, ${email})`;
  await tx`insert into public.users (id, email, display_name, time_zone) values (${user}, ${email}, 'Plans', ${timeZone})`;
  await tx`insert into public.identities (id, user_id, name, is_default)
           values (${main}, ${user}, 'Main', true), (${side}, ${user}, 'Side', false)`;
  return { user, main, side };
}

async function subscribe(
  tx: TransactionSql,
  user: string,
  identity: string | null,
  start: string,
  end: string,
) {
  const [s] = await tx`insert into public.user_subscriptions
      (user_id, plan_id, identity_id, status, current_period_start, current_period_end)
    values (${user}, ${STARTER_PLAN}, ${identity}, 'active', now() - ${start}::interval, now() + ${end}::interval)
    returning id`;
  return s!.id as string;
}

const grant = async (tx: TransactionSql) =>
  (await tx`select private.ledger_grant_plans() as n`)[0]!.n as number;

async function grantsOf(tx: TransactionSql, subscription: string) {
  return tx`select g.identity_id, g.period_start::text as period, g.tokens::int, m.kind
            from public.plan_grants g join public.token_movements m on m.id = g.movement_id
            where g.subscription_id = ${subscription} order by g.period_start`;
}

describe('private.ledger_grant_plans', () => {
  it('grants each begun monthly period exactly once, to the default identity, dated in the user time zone', async () => {
    await inLedgerRollback(sql, async (s) => {
      const u = await freshUser(s.tx, 'Asia/Tokyo');
      const sub = await subscribe(s.tx, u.user, null, '2 months 3 days', '1 month');
      expect(await grant(s.tx)).toBeGreaterThanOrEqual(3);
      const [expected] = await s.tx`
        select array_agg(((now() - interval '2 months 3 days' + make_interval(months => k))
                          at time zone 'Asia/Tokyo')::date::text order by k) as dates
        from generate_series(0, 2) k`;
      const grants = await grantsOf(s.tx, sub);
      expect(grants.map((g) => g.period)).toEqual(expected!.dates);
      expect(
        grants.every((g) => g.identity_id === u.main && g.tokens === 100000 && g.kind === 'plan_grant'),
      ).toBe(true);
      const [acc] = await s.tx`select balance::int, lifetime_earned::int from public.token_accounts
                               where identity_id = ${u.main}`;
      expect(acc).toEqual({ balance: 300000, lifetime_earned: 300000 });
      const audit = await s.tx`select count(*)::int as n from public.audit_log
                               where identity_id = ${u.main} and action = 'ledger.credit'`;
      expect(audit[0]!.n).toBe(3);

      // the job runs again (and again): nothing more for this subscription
      await grant(s.tx);
      await grant(s.tx);
      expect(await grantsOf(s.tx, sub)).toHaveLength(3);
      const [again] =
        await s.tx`select balance::int from public.token_accounts where identity_id = ${u.main}`;
      expect(again!.balance).toBe(300000);
    });
  });

  it("credits the subscription's own identity, and nothing for cancelled or not yet started subscriptions", async () => {
    await inLedgerRollback(sql, async (s) => {
      const u = await freshUser(s.tx, 'America/Montreal');
      const sub = await subscribe(s.tx, u.user, u.side, '1 day', '29 days');
      await grant(s.tx);
      expect((await grantsOf(s.tx, sub)).map((g) => g.identity_id)).toEqual([u.side]);
      await s.tx`update public.user_subscriptions set status = 'cancelled', cancelled_at = now() where id = ${sub}`;

      const v = await freshUser(s.tx, 'America/Montreal');
      const cancelled = await s.tx`insert into public.user_subscriptions
          (user_id, plan_id, status, current_period_start, current_period_end, cancelled_at)
        values (${v.user}, ${STARTER_PLAN}, 'cancelled', now() - interval '1 day', now() + interval '1 month', now())
        returning id`;
      const w = await freshUser(s.tx, 'America/Montreal');
      const future = await s.tx`insert into public.user_subscriptions
          (user_id, plan_id, status, current_period_start, current_period_end)
        values (${w.user}, ${STARTER_PLAN}, 'active', now() + interval '1 day', now() + interval '1 month')
        returning id`;
      await grant(s.tx);
      expect(await grantsOf(s.tx, cancelled[0]!.id as string)).toEqual([]);
      expect(await grantsOf(s.tx, future[0]!.id as string)).toEqual([]);
    });
  });

  it('is callable by the service role only', async () => {
    await inLedgerRollback(sql, async (s) => {
      await s.as({ role: 'authenticated', sub: randomUUID() });
      expect((await s.attempt((tx) => grant(tx))).state).toBe('42501');
    });
  });
});
