/**
 * Plans a person changes (private.change_plan): subscribing grants the first period at once;
 * a change of plan or a cancellation waits for the period boundary, where the sweeper's renewal
 * applies it and the grant job grants the next period at the new plan's tokens, or nothing. Every
 * period decision reads the pinned clock.
 */
import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';
import { useDatabase } from '../helpers/db.ts';
import type { Scenario } from '../helpers/rollback.ts';
import { inLedgerRollback } from './ledgerRollback.ts';

const { sql } = useDatabase(2);

const STARTER = 'c0000000-0000-4000-8000-026000000002';
const PRO = 'c0000000-0000-4000-8000-026000000003';
const START = '2031-03-10T15:00:00Z';
const AFTER_PERIOD = '2031-04-10T15:00:01Z';

async function freshUser(tx: TransactionSql): Promise<{ user: string; identity: string; claims: Claims }> {
  const user = randomUUID();
  const identity = randomUUID();
  const email = `change-${user}@example.test`;
  await tx`insert into auth.users (id, email) values (${user}, ${email})`;
  await tx`insert into public.users (id, email, display_name, time_zone) values (${user}, ${email}, 'Change', 'America/Montreal')`;
  await tx`insert into public.identities (id, user_id, name, is_default) values (${identity}, ${user}, 'Main', true)`;
  return { user, identity, claims: { role: 'authenticated', sub: user, identity_id: identity } };
}

async function balance(s: Scenario, identity: string): Promise<number> {
  await s.asOwner();
  const [a] = await s.tx`select balance::int from public.token_accounts where identity_id = ${identity}`;
  return a?.balance ?? 0;
}

/** The sweeper's renewal and grant jobs at `at` (every subscription of the database moves: assert on yours). */
async function sweepAt(s: Scenario, at: string): Promise<void> {
  await s.asOwner();
  await s.pinClock(at);
  await s.tx`select private.renew_subscriptions(), private.ledger_grant_plans()`;
}

async function grants(s: Scenario, subscription: string): Promise<{ plan_id: string; tokens: number }[]> {
  await s.asOwner();
  return (await s.tx`select plan_id, tokens::int from public.plan_grants
                     where subscription_id = ${subscription} order by period_start`) as never;
}

describe('plans a person changes', () => {
  it('subscribes: the first period starts now and is granted at once, and a second subscription is refused', async () => {
    await inLedgerRollback(sql, async (s) => {
      const u = await freshUser(s.tx);
      await s.pinClock(START);
      await s.as(u.claims);
      const [sub] = await s.tx`select * from private.subscribe_to_plan(${STARTER})`;
      expect(new Date(sub!.current_period_start).toISOString()).toBe(new Date(START).toISOString());
      expect(sub!.identity_id).toBe(u.identity);
      expect(await balance(s, u.identity)).toBe(100_000);
      await s.as(u.claims);
      expect((await s.attempt((tx) => tx`select private.subscribe_to_plan(${PRO})`)).state).toBe('23505');
    });
  });

  it('changes plan at the period boundary, through the ledger', async () => {
    await inLedgerRollback(sql, async (s) => {
      const u = await freshUser(s.tx);
      await s.pinClock(START);
      await s.as(u.claims);
      const [sub] = await s.tx`select * from private.subscribe_to_plan(${STARTER})`;
      await s.pinClock('2031-03-20T12:00:00Z');
      const [changed] = await s.tx`select * from private.change_plan(${sub!.id}, ${PRO})`;
      expect(changed).toMatchObject({ plan_id: STARTER, pending_plan_id: PRO });
      // nothing changes before the boundary
      await sweepAt(s, '2031-04-10T14:59:59Z');
      expect(await grants(s, sub!.id)).toEqual([{ plan_id: STARTER, tokens: 100_000 }]);
      expect(await balance(s, u.identity)).toBe(100_000);
      await sweepAt(s, AFTER_PERIOD);
      expect(await grants(s, sub!.id)).toEqual([
        { plan_id: STARTER, tokens: 100_000 },
        { plan_id: PRO, tokens: 1_000_000 },
      ]);
      const [after] =
        await s.tx`select plan_id, pending_plan_id, current_period_start from public.user_subscriptions where id = ${sub!.id}`;
      expect(after).toMatchObject({ plan_id: PRO, pending_plan_id: null });
      expect(new Date(after!.current_period_start).toISOString()).toBe('2031-04-10T15:00:00.000Z');
      expect(await balance(s, u.identity)).toBe(100_000 + 1_000_000);
      // the same sweep again grants nothing twice
      await sweepAt(s, AFTER_PERIOD);
      expect(await grants(s, sub!.id)).toHaveLength(2);
    });
  });

  it('cancels at the period boundary: the tokens stay, no period follows', async () => {
    await inLedgerRollback(sql, async (s) => {
      const u = await freshUser(s.tx);
      await s.pinClock(START);
      await s.as(u.claims);
      const [sub] = await s.tx`select * from private.subscribe_to_plan(${STARTER})`;
      const [cancelled] = await s.tx`select * from private.cancel_plan(${sub!.id})`;
      expect(cancelled).toMatchObject({ status: 'active', cancel_at_period_end: true });
      await sweepAt(s, AFTER_PERIOD);
      expect(await grants(s, sub!.id)).toEqual([{ plan_id: STARTER, tokens: 100_000 }]);
      const [after] = await s.tx`select status from public.user_subscriptions where id = ${sub!.id}`;
      expect(after!.status).toBe('cancelled');
      expect(await balance(s, u.identity)).toBe(100_000);
      // a new subscription may start once the old one ended
      await s.as(u.claims);
      expect((await s.attempt((tx) => tx`select private.subscribe_to_plan(${PRO})`)).state).toBe('ok');
    });
  });

  it('audits every change on the identity chain', async () => {
    await inLedgerRollback(sql, async (s) => {
      const u = await freshUser(s.tx);
      await s.pinClock(START);
      await s.as(u.claims);
      const [sub] = await s.tx`select * from private.subscribe_to_plan(${STARTER})`;
      await s.tx`select private.change_plan(${sub!.id}, ${PRO})`;
      await s.tx`select private.cancel_plan(${sub!.id})`;
      await sweepAt(s, AFTER_PERIOD);
      const actions =
        await s.tx`select action from public.audit_log where identity_id = ${u.identity} order by seq`;
      expect(actions.map((a) => a.action)).toEqual(
        expect.arrayContaining([
          'subscription.started',
          'subscription.change_scheduled',
          'subscription.cancel_scheduled',
          'subscription.ended',
        ]),
      );
    });
  });
});
