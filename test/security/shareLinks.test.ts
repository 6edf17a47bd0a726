/**
 * Door: share links (issue 14: private.create_share_link, redeem_share_link, revoke_share_link;
 * `/dataspaces/{id}/links`, `/links/redeem`, `/links/{id}`). Tried as an attacker would: a
 * guessed, malformed, expired, revoked or used-up token (all answered alike), probing tokens in bulk
 * (an hourly limit that a wrong token counts towards), redeeming with someone else's identity,
 * escalating with a link (never above editor, never lowering an existing role, never a host), reading
 * the token back (only its hash is stored, and clients cannot read even that), and keeping access
 * after a revoke.
 */
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';
import { inRollback, type Scenario } from '../helpers/rollback.ts';
import { A1, addMember, freshUser, type FreshUser } from '../helpers/sharing.ts';

const { sql } = useDatabase();
const SPACE = 'a1000000-0000-4000-8000-000300000001';

async function makeLink(s: Scenario, role: string, ttl = '1 hour', maxUses: number | null = null) {
  await s.as(A1);
  const [made] = await s.tx<{ r: { token: string; link: { id: string } & Record<string, unknown> } }[]>`
    select private.create_share_link(${SPACE}, null, ${role}, ${ttl}::interval, ${maxUses}::integer) as r`;
  return made!.r;
}

async function redeem(s: Scenario, u: FreshUser, token: string, identity = u.i1) {
  await s.as(u.as(u.i1));
  return s.attempt(
    (tx) => tx<{ r: { redeemed: boolean; role?: string } }[]>`
    select private.redeem_share_link(${token}, ${identity}) as r`,
  );
}

const redeemed = (r: { state: string; value?: { r: { redeemed: boolean } }[] }) =>
  r.state === 'ok' ? r.value![0]!.r.redeemed : r.state;

describe('share links', () => {
  it('keeps only the token’s hash, which clients cannot read either', async () => {
    await inRollback(sql, async (s) => {
      const made = await makeLink(s, 'viewer');
      expect(made.token).toMatch(/^chenu_link_[A-Za-z0-9_-]{43}$/);
      expect(made.link.token_hash).toBeUndefined();
      await s.asOwner();
      const [row] = await s.tx`select token_hash from public.share_links where id = ${made.link.id}`;
      expect(row!.token_hash).not.toContain(made.token.slice(11, 20));
      expect(row!.token_hash).toMatch(/^[0-9a-f]{64}$/);
      await s.as(A1);
      expect((await s.attempt((tx) => tx`select token_hash from public.share_links`)).state).toBe('42501');
      expect((await s.tx`select id from public.share_links where id = ${made.link.id}`).length).toBe(1);
    });
  });

  it('answers guessed, malformed, expired, revoked and used-up tokens alike', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const dave = await freshUser(s, 'dave');
      const once = await makeLink(s, 'viewer', '1 hour', 1);
      expect(redeemed(await redeem(s, carol, once.token))).toBe(true);
      const expired = await makeLink(s, 'viewer', '1 minute');
      await s.asOwner();
      await s.tx`update public.share_links set created_at = now() - interval '2 hours', expires_at = now() - interval '1 second'
                 where id = ${expired.link.id}`;
      const revoked = await makeLink(s, 'viewer');
      await s.as(A1);
      await s.tx`select private.revoke_share_link(${revoked.link.id})`;
      const answers = [
        await redeem(s, dave, once.token), // used up
        await redeem(s, dave, expired.token),
        await redeem(s, dave, revoked.token),
        await redeem(s, dave, `chenu_link_${'x'.repeat(43)}`), // guessed
        await redeem(s, dave, 'not a token'),
        await redeem(s, dave, `${once.token.slice(0, -1)}A`), // one character off
      ];
      expect(answers.map(redeemed)).toEqual([false, false, false, false, false, false]);
      await s.as(dave.as(dave.i1));
      expect((await s.tx`select id from public.dataspaces where id = ${SPACE}`).length).toBe(0);
      // a use is a grant: Carol redeeming her link again takes no second use and changes nothing
      expect(redeemed(await redeem(s, carol, once.token))).toBe(false);
    });
  });

  it('counts every attempt towards an hourly limit, so tokens cannot be probed in bulk', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      let last = '';
      let tries = 0;
      for (; tries < 40; tries++) {
        const r = await redeem(
          s,
          carol,
          `chenu_link_${crypto.randomUUID().replace(/-/g, '').padEnd(43, 'q')}`,
        );
        last = r.state;
        if (r.state !== 'ok') break;
      }
      expect(last).toBe('PT429');
      expect(tries).toBe(30);
    });
  });

  it('redeems with the redeemer’s own identity only, never the tenant’s, and never above the link’s role', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const mallory = await freshUser(s, 'mallory');
      await s.as(A1);
      // a link never gives host
      expect(
        (
          await s.attempt(
            (tx) => tx`select private.create_share_link(${SPACE}, null, 'host', interval '1 hour')`,
          )
        ).state,
      ).toBe('22023');
      const link = await makeLink(s, 'participant');
      expect((await redeem(s, carol, link.token, mallory.i1)).state).toBe('P0002');
      expect((await redeem(s, carol, link.token, SEED.a1)).state).toBe('P0002');
      await s.as(A1);
      expect(
        (await s.attempt((tx) => tx`select private.redeem_share_link(${link.token}, ${SEED.a1})`)).state,
      ).toBe('55000');
      // an editor redeeming a participant link stays editor
      await addMember(s, [SPACE], carol.i2, 'editor');
      const r = await redeem(s, carol, link.token, carol.i2);
      expect(r.state).toBe('ok');
      await s.asOwner();
      expect(
        (await s.tx`select role from public.dataspace_members where member_identity_id = ${carol.i2}`)[0]!
          .role,
      ).toBe('editor');
      // only a host makes links
      await s.as(carol.as(carol.i2));
      expect(
        (
          await s.attempt(
            (tx) => tx`select private.create_share_link(${SPACE}, null, 'viewer', interval '1 hour')`,
          )
        ).state,
      ).toBe('42501');
    });
  });

  it('ends the access of everyone who joined through a link when it is revoked, not of those invited', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      const erin = await freshUser(s, 'erin');
      const link = await makeLink(s, 'viewer');
      expect(redeemed(await redeem(s, carol, link.token))).toBe(true);
      expect(redeemed(await redeem(s, erin, link.token))).toBe(true);
      // Erin's membership is confirmed by an invitation: it no longer rests on the link
      await s.as(A1);
      const [inv] = await s.tx<
        { id: string }[]
      >`select id from private.invite(${SPACE}, null, ${erin.email}, 'participant')`;
      await s.as(erin.as(erin.i1));
      await s.tx`select private.accept_invitation(${inv!.id}, ${erin.i1})`;
      await s.as(A1);
      await s.tx`select private.revoke_share_link(${link.link.id})`;
      await s.as(carol.as(carol.i1));
      expect((await s.tx`select id from public.dataspaces where id = ${SPACE}`).length).toBe(0);
      await s.as(erin.as(erin.i1));
      expect(
        (await s.tx`select role from private.list_members(${SPACE}) where identity_id = ${erin.i1}`)[0]!.role,
      ).toBe('participant');
    });
  });
});
