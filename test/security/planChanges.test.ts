/**
 * Door: a person's plan (private.subscribe_to_plan / change_plan / cancel_plan, API
 * `/subscriptions`). Tried as another user on a subscription that is not theirs, subscribing an
 * identity of another user, through an API key, and anonymously: only the owner, in person, changes
 * their plan.
 */
import { describe, expect, it } from 'vitest';
import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';
import { useDatabase } from '../helpers/db.ts';
import { ANON, asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';

const { sql } = useDatabase(2);
const BOB_SUBSCRIPTION = 'b0000000-0000-4000-8000-026100000001';
const PRO = 'c0000000-0000-4000-8000-026000000003';
const FREE = 'c0000000-0000-4000-8000-026000000001';

describe('plan changes', () => {
  it("refuses another user's subscription (not found) and leaves it as it was", async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      expect(
        (await s.attempt((tx) => tx`select private.change_plan(${BOB_SUBSCRIPTION}, ${PRO})`)).state,
      ).toBe('P0002');
      expect((await s.attempt((tx) => tx`select private.cancel_plan(${BOB_SUBSCRIPTION})`)).state).toBe(
        'P0002',
      );
      await s.asOwner();
      const [row] =
        await s.tx`select plan_id, pending_plan_id, cancel_at_period_end from public.user_subscriptions
                               where id = ${BOB_SUBSCRIPTION}`;
      expect(row).toMatchObject({ pending_plan_id: null, cancel_at_period_end: false });
    });
  });

  it("refuses to send a plan's tokens to another user's identity", async () => {
    await inRollback(sql, async (s) => {
      await s.asOwner();
      await s.tx`update public.user_subscriptions set status = 'cancelled', cancelled_at = now() where user_id = ${SEED.alice}`;
      await s.as(asIdentity('a1'));
      expect((await s.attempt((tx) => tx`select private.subscribe_to_plan(${FREE}, ${SEED.b1})`)).state).toBe(
        'P0002',
      );
    });
  });

  it('refuses API keys and anonymous calls', async () => {
    await inRollback(sql, async (s) => {
      const key = { ...asIdentity('b1'), api_key_id: seedId('b1', '0263') } as Claims;
      await s.as(key);
      expect(
        (await s.attempt((tx) => tx`select private.change_plan(${BOB_SUBSCRIPTION}, ${PRO})`)).state,
      ).toBe('42501');
      expect((await s.attempt((tx) => tx`select private.cancel_plan(${BOB_SUBSCRIPTION})`)).state).toBe(
        '42501',
      );
      await s.as(ANON);
      expect((await s.attempt((tx) => tx`select private.subscribe_to_plan(${FREE})`)).state).toBe('42501');
    });
  });

  it('keeps the renewal and grant jobs to the service role', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('b1'));
      expect((await s.attempt((tx) => tx`select private.renew_subscriptions()`)).state).toBe('42501');
      expect(
        (await s.attempt((tx) => tx`select private.ledger_grant_subscription(${BOB_SUBSCRIPTION})`)).state,
      ).toBe('42501');
    });
  });
});
