/**
 * Door: onboarding (issue 14: private.provision_user at local sign-up, private.onboard_me behind
 * `POST /onboarding` on a hosted project). Tried as an attacker would: calling it again and again to
 * mint tokens (idempotent: one subscription, one grant per period, through the ledger), with an API
 * key, or for another user (it only ever onboards auth.uid()); and a new user gets exactly the free
 * plan's tokens, with the ledger's invariants intact.
 */
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';
import { ledgerViolations } from '../ledger/invariants.ts';

const { sql } = useDatabase();

/** A brand-new auth user (confirmed), with nothing else yet: what Supabase Auth leaves on a hosted project. */
async function authUser(s: Scenario, email: string, meta: Record<string, string> = {}) {
  await s.asOwner();
  const id = crypto.randomUUID();
  await s.tx`insert into auth.users (id, email, email_confirmed_at, raw_user_meta_data)
             values (${id}, ${email}, now(), ${s.tx.json({ display_name: 'Nouvelle', ...meta })})`;
  return { id, claims: { role: 'authenticated' as const, sub: id, aud: 'authenticated' } };
}

async function holdings(s: Scenario, user: string) {
  await s.asOwner();
  const [row] = await s.tx<
    {
      identities: number;
      spheres: number;
      dataspaces: number;
      subs: number;
      grants: number;
      balance: number;
    }[]
  >`
    select (select count(*)::int from public.identities where user_id = ${user}) as identities,
           (select count(*)::int from public.spheres s join public.identities i on i.id = s.identity_id where i.user_id = ${user}) as spheres,
           (select count(*)::int from public.dataspaces where user_id = ${user}) as dataspaces,
           (select count(*)::int from public.user_subscriptions where user_id = ${user}) as subs,
           (select count(*)::int from public.plan_grants g join public.identities i on i.id = g.identity_id where i.user_id = ${user}) as grants,
           (select coalesce(sum(balance), 0)::int from public.token_accounts where user_id = ${user}) as balance`;
  return row!;
}

describe('onboarding', () => {
  it('gives a new user an identity, a sphere, a starter dataspace and the free plan’s tokens, once', async () => {
    await inRollback(sql, async (s) => {
      const u = await authUser(s, `onboard-${crypto.randomUUID().slice(0, 8)}@example.test`);
      await s.as(u.claims);
      const first = (
        await s.tx<{ r: { identity_id: string; balance: number } }[]>`select private.onboard_me() as r`
      )[0]!.r;
      for (let i = 0; i < 3; i++) {
        await s.as(u.claims);
        const again = (
          await s.tx<{ r: { identity_id: string } }[]>`select private.onboard_me('Autre nom') as r`
        )[0]!.r;
        expect(again.identity_id).toBe(first.identity_id);
      }
      const [plan] = await s.tx<{ tokens: number }[]>`
        select monthly_tokens::int as tokens from public.subscription_plans where slug = 'free'`;
      expect(await holdings(s, u.id)).toEqual({
        identities: 1,
        spheres: 1,
        dataspaces: 1,
        subs: 1,
        grants: 1,
        balance: plan!.tokens,
      });
      expect(first.balance).toBe(plan!.tokens);
      await s.tx`set constraints all immediate`;
      expect(await ledgerViolations(s.tx, [first.identity_id])).toEqual([]);
    });
  });

  it('names the starter sphere and dataspace in the sign-up’s language (the profile’s fr-CA by default)', async () => {
    await inRollback(sql, async (s) => {
      const names = async (meta: Record<string, string>) => {
        const u = await authUser(s, `lang-${crypto.randomUUID().slice(0, 8)}@example.test`, meta);
        await s.as(u.claims);
        const { identity_id } = (
          await s.tx<{ r: { identity_id: string } }[]>`select private.onboard_me() as r`
        )[0]!.r;
        await s.asOwner();
        const [row] = await s.tx<{ sphere: string; dataspace: string; locale: string }[]>`
          select (select name from public.spheres where identity_id = ${identity_id}) as sphere,
                 (select name from public.dataspaces where identity_id = ${identity_id}) as dataspace,
                 (select locale from public.users where id = ${u.id}) as locale`;
        return row;
      };
      expect(await names({})).toEqual({
        sphere: 'Personnel',
        dataspace: 'Mon premier espace',
        locale: 'fr-CA',
      });
      expect(await names({ locale: 'en-CA' })).toEqual({
        sphere: 'Personal',
        dataspace: 'My first space',
        locale: 'en-CA',
      });
      // a malformed locale is ignored
      expect((await names({ locale: "en'; drop table x" }))!.locale).toBe('fr-CA');
    });
  });

  it('onboards only the signed-in user, and never through an API key', async () => {
    await inRollback(sql, async (s) => {
      const u = await authUser(s, `key-${crypto.randomUUID().slice(0, 8)}@example.test`);
      await s.as({ ...u.claims, api_key_id: crypto.randomUUID() });
      expect((await s.attempt((tx) => tx`select private.onboard_me()`)).state).toBe('42501');
      await s.as({ role: 'authenticated', sub: crypto.randomUUID(), aud: 'authenticated' });
      // a token naming no auth user onboards nobody
      expect((await s.attempt((tx) => tx`select private.onboard_me()`)).state).toBe('P0002');
      expect((await holdings(s, u.id)).identities).toBe(0);
      // the definer function that onboards any user is not the client's to call
      await s.as(u.claims);
      expect(
        (await s.attempt((tx) => tx`select private.onboard_user(${u.id}, 'x@example.test', 'x')`)).state,
      ).toBe('42501');
    });
  });

  it('turns pending invitations to the new address into notifications of the new identity', async () => {
    await inRollback(sql, async (s) => {
      const email = `invited-${crypto.randomUUID().slice(0, 8)}@example.test`;
      await s.as({
        role: 'authenticated',
        sub: 'a0000000-0000-4000-8000-000000000000',
        identity_id: 'a1000000-0000-4000-8000-000000000000',
        aud: 'authenticated',
      });
      await s.tx`select private.invite('a1000000-0000-4000-8000-000300000001', null, ${email}, 'viewer')`;
      const u = await authUser(s, email);
      await s.as(u.claims);
      const { identity_id } = (
        await s.tx<{ r: { identity_id: string } }[]>`select private.onboard_me() as r`
      )[0]!.r;
      await s.asOwner();
      const notes = await s.tx`select kind from public.notifications where identity_id = ${identity_id}`;
      expect(notes.map((n) => n.kind)).toEqual(['invitation.received']);
    });
  });
});
