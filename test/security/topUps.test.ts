/**
 * Door: token top-ups (private.grant_top_up, API `POST /subscriptions/top-ups`). Tried as a user,
 * as a reviewer (staff, but not admin), as an admin's API key, with a bad amount: only an admin in
 * person credits tokens, and each top-up lands on both audit chains.
 */
import { describe, expect, it } from 'vitest';
import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';

const { sql } = useDatabase(2);
const topUp = (amount: number, key: string = crypto.randomUUID()) =>
  `select private.grant_top_up('bob@chenu.local', ${amount}, 'geste', '${key}')`;

describe('top-ups', () => {
  it('refuses users, reviewers and an admin API key', async () => {
    await inRollback(sql, async (s) => {
      await s.as(asIdentity('a1'));
      expect((await s.attempt((tx) => tx.unsafe(topUp(1000)))).state).toBe('42501');
      await s.asOwner();
      await s.tx`select private.set_staff_role('alice@chenu.local', 'reviewer', 'test')`;
      await s.as(asIdentity('a1'));
      expect((await s.attempt((tx) => tx.unsafe(topUp(1000)))).state).toBe('42501');
      await s.asOwner();
      await s.tx`select private.set_staff_role('alice@chenu.local', 'admin', 'test')`;
      await s.as({ ...asIdentity('a1'), api_key_id: seedId('a1', '0263') } as Claims);
      expect((await s.attempt((tx) => tx.unsafe(topUp(1000)))).state).toBe('42501');
      await s.asOwner();
      const [b1] = await s.tx`select balance::int from public.token_accounts where identity_id = ${SEED.b1}`;
      expect(b1!.balance).toBe(80_000);
    });
  });

  it("lets an admin credit a user's account once per key, audited on both chains", async () => {
    await inRollback(sql, async (s) => {
      await s.tx`select private.set_staff_role('alice@chenu.local', 'admin', 'test')`;
      await s.as(asIdentity('a1'));
      expect((await s.attempt((tx) => tx.unsafe(topUp(0)))).state).toBe('22023');
      expect((await s.attempt((tx) => tx.unsafe(topUp(-5)))).state).toBe('22023');
      await s.tx.unsafe(topUp(2500, 'same'));
      await s.tx.unsafe(topUp(2500, 'same'));
      await s.asOwner();
      const [b1] = await s.tx`select balance::int from public.token_accounts where identity_id = ${SEED.b1}`;
      expect(b1!.balance).toBe(82_500);
      const received =
        await s.tx`select payload from public.audit_log where identity_id = ${SEED.b1} and action = 'tokens.top_up'`;
      expect(received).toHaveLength(1);
      expect(received[0]!.payload).toMatchObject({ amount: 2500, reason: 'geste', by_user_id: SEED.alice });
      const granted =
        await s.tx`select payload from public.audit_log where identity_id = ${SEED.a1} and action = 'admin.top_up'`;
      expect(granted[0]!.payload).toMatchObject({ amount: 2500, user_id: SEED.bob });
    });
  });
});
