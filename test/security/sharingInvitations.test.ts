/**
 * Door: invitations (issue 14: private.invite, my_invitations, accept_invitation,
 * decline_invitation, revoke_invitation; `/dataspaces/{id}/invitations`,
 * `/meetings/{meeting_id}/invitations`, `/invitations`). Tried as an attacker would: learning
 * whether an address has an account from the answer, reading or accepting someone else's invitation
 * (another user, an unconfirmed address, a guessed id), accepting with another user's identity or
 * with the tenant's own, accepting twice, after a revoke, decline or expiry, inviting without the
 * role for it, flooding (an hourly limit), and forging or rewriting invitation rows.
 */
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';
import { A1, addMember, freshUser, type FreshUser } from '../helpers/sharing.ts';

const { sql } = useDatabase();
const SPACE = 'a1000000-0000-4000-8000-000300000001';

async function invite(s: Scenario, email: string, role = 'participant', meeting: string | null = null) {
  await s.as(A1);
  const [inv] = await s.tx<{ id: string; status: string; invitee_email: string }[]>`
    select * from private.invite(${meeting ? null : SPACE}, ${meeting}, ${email}, ${role})`;
  return inv!;
}

async function accept(s: Scenario, u: FreshUser, invitation: string, identity = u.i1) {
  await s.as(u.as(u.i1));
  return s.attempt((tx) => tx`select private.accept_invitation(${invitation}, ${identity})`);
}

describe('invitations', () => {
  it('answers alike whether the address has an account, and notifies only the account’s identities', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const known = await invite(s, carol.email.toUpperCase());
      const unknown = await invite(s, 'personne-nulle-part@example.test');
      expect(Object.keys(known).sort()).toEqual(Object.keys(unknown).sort());
      expect(known.invitee_email).toBe(carol.email);
      await s.asOwner();
      const notes = await s.tx<{ identity_id: string }[]>`
        select identity_id from public.notifications where data ->> 'invitation_id' in (${known.id}, ${unknown.id})`;
      expect(notes.map((n) => n.identity_id).sort()).toEqual([carol.i1, carol.i2].sort());
    });
  });

  it('belongs to the confirmed address only: another user, an unconfirmed account and a guessed id get nothing', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const mallory = await freshUser(s, 'mallory');
      const inv = await invite(s, carol.email);
      await s.as(mallory.as(mallory.i1));
      expect(await s.tx`select * from private.my_invitations()`).toEqual([]);
      expect((await s.tx`select id from public.invitations`).length).toBe(0);
      expect((await accept(s, mallory, inv.id)).state).toBe('P0002');
      expect((await accept(s, mallory, crypto.randomUUID())).state).toBe('P0002');
      // Carol's address unconfirmed (a hosted project that requires confirmation): not hers yet
      await s.asOwner();
      await s.tx`update auth.users set email_confirmed_at = null where id = ${carol.user}`;
      expect((await accept(s, carol, inv.id)).state).toBe('P0002');
      await s.asOwner();
      await s.tx`update auth.users set email_confirmed_at = now() where id = ${carol.user}`;
      // not with another user's identity, nor the tenant's own
      expect((await accept(s, carol, inv.id, mallory.i1)).state).toBe('P0002');
      expect((await accept(s, carol, inv.id, SEED.a1)).state).toBe('P0002');
      expect((await accept(s, carol, inv.id, carol.i2)).state).toBe('ok');
      // once
      expect((await accept(s, carol, inv.id)).state).toBe('55000');
      // the membership is the accepting identity's only
      await s.as(carol.as(carol.i1));
      expect((await s.tx`select id from public.dataspaces where id = ${SPACE}`).length).toBe(0);
      await s.as(carol.as(carol.i2));
      expect((await s.tx`select id from public.dataspaces where id = ${SPACE}`).length).toBe(1);
    });
  });

  it('cannot be accepted once revoked, declined or expired', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const revoked = await invite(s, carol.email, 'viewer');
      await s.tx`select private.revoke_invitation(${revoked.id})`;
      expect((await accept(s, carol, revoked.id)).state).toBe('55000');
      const declined = await invite(s, carol.email, 'editor');
      await s.as(carol.as(carol.i1));
      await s.tx`select private.decline_invitation(${declined.id})`;
      expect((await accept(s, carol, declined.id)).state).toBe('55000');
      const expired = await invite(s, carol.email, 'host');
      await s.asOwner();
      await s.tx`update public.invitations set created_at = now() - interval '2 days', expires_at = now() - interval '1 second'
                 where id = ${expired.id}`;
      expect((await accept(s, carol, expired.id)).state).toBe('55000');
      await s.as(carol.as(carol.i1));
      expect(
        (await s.tx`select status from private.my_invitations() where id = ${expired.id}`)[0]!.status,
      ).toBe('expired');
    });
  });

  it('needs host for a dataspace and editor for a meeting, and only an invitee, inviter or host touches one', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const dave = await freshUser(s, 'dave');
      await addMember(s, [SPACE], carol.i1, 'editor');
      await s.as(carol.as(carol.i1));
      expect(
        (await s.attempt((tx) => tx`select private.invite(${SPACE}, null, ${dave.email}, 'viewer')`)).state,
      ).toBe('42501');
      await s.asOwner();
      const [mt] = await s.tx<{ id: string }[]>`
        insert into public.meetings (identity_id, dataspace_id, title, scheduled_at)
        values (${SEED.a1}, ${SPACE}, 'Revue', now() + interval '1 day') returning id`;
      await s.as(carol.as(carol.i1));
      // an editor invites to a meeting, as viewer or participant only
      expect(
        (await s.attempt((tx) => tx`select private.invite(null, ${mt!.id}, ${dave.email}, 'editor')`)).state,
      ).toBe('22023');
      const [byCarol] = await s.tx<{ id: string }[]>`
        select id from private.invite(null, ${mt!.id}, ${dave.email}, 'participant')`;
      // Dave neither revokes nor reads others' invitations
      const mine = await invite(s, dave.email, 'viewer');
      await s.as(dave.as(dave.i1));
      expect((await s.attempt((tx) => tx`select private.revoke_invitation(${mine.id})`)).state).toBe('P0002');
      expect((await s.tx`select id from public.invitations order by id`).map((r) => r.id).sort()).toEqual(
        [mine.id, byCarol!.id].sort(),
      );
      // a viewer member can see neither the invitations nor revoke them
      await addMember(s, [SPACE], dave.i2, 'viewer');
      await s.as(dave.as(dave.i2));
      expect((await s.attempt((tx) => tx`select private.revoke_invitation(${byCarol!.id})`)).state).toBe(
        '42501',
      );
    });
  });

  it('limits invitations a user sends an hour', async () => {
    await inRollback(sql, async (s) => {
      await s.as(A1);
      let state = 'ok';
      let sent = 0;
      while (state === 'ok' && sent < 60) {
        state = (
          await s.attempt(
            (tx) => tx`select private.invite(${SPACE}, null, ${`flood-${sent}@example.test`}, 'viewer')`,
          )
        ).state;
        if (state === 'ok') sent += 1;
      }
      expect(state).toBe('PT429');
      expect(sent).toBe(50);
    });
  });

  it('keeps invitation rows read-only to clients', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const inv = await invite(s, carol.email, 'viewer');
      await s.as(carol.as(carol.i1));
      expect(
        (await s.attempt((tx) => tx`update public.invitations set role = 'host' where id = ${inv.id}`)).state,
      ).toBe('42501');
      expect(
        (
          await s.attempt(
            (
              tx,
            ) => tx`insert into public.invitations (identity_id, dataspace_id, role, invitee_email, expires_at)
                       values (${SEED.a1}, ${SPACE}, 'host', ${carol.email}, now() + interval '1 day')`,
          )
        ).state,
      ).toBe('42501');
    });
  });
});
