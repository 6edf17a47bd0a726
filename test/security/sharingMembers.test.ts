/**
 * Door: membership management (issue 14: private.add_member, change_member_role, remove_member,
 * list_members; `/dataspaces/{id}/members`). Tried as an attacker would: a stranger, a member of a
 * lower role, the member's other identity, an API key, adding an identity the owner never met (an
 * id oracle), demoting or removing the owner, forging membership rows directly (the table is
 * read-only to clients), and reading user ids or e-mails through the people list or the audit trail.
 */
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';
import { A1, addMember, freshUser } from '../helpers/sharing.ts';

const { sql } = useDatabase();
const SPACE = 'a1000000-0000-4000-8000-000300000001';

describe('membership management', () => {
  it('is refused to strangers, to roles below host and to API keys, alike for a place that does not exist', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      await s.as(carol.as(carol.i1));
      const unknown = await s.attempt((tx) => tx`select private.list_members(${crypto.randomUUID()})`);
      const foreign = await s.attempt((tx) => tx`select private.list_members(${SPACE})`);
      expect([unknown.state, foreign.state]).toEqual(['P0002', 'P0002']);
      expect(
        (await s.attempt((tx) => tx`select private.add_member(${SPACE}, ${carol.i1}, 'host')`)).state,
      ).toBe('P0002');
      for (const role of ['viewer', 'participant', 'editor'] as const) {
        await addMember(s, [SPACE], carol.i1, role);
        await s.as(carol.as(carol.i1));
        // a member sees the people, but manages nobody, not even to promote itself
        expect((await s.tx`select * from private.list_members(${SPACE})`).length).toBe(2);
        expect(
          (await s.attempt((tx) => tx`select private.add_member(${SPACE}, ${carol.i1}, 'host')`)).state,
          role,
        ).toBe('42501');
      }
      // the same user's other identity has nothing there
      await s.as(carol.as(carol.i2));
      expect((await s.attempt((tx) => tx`select private.list_members(${SPACE})`)).state).toBe('P0002');
      // an API key acting as the host identity decides no sharing
      await s.as({ ...A1, api_key_id: crypto.randomUUID() });
      expect(
        (await s.attempt((tx) => tx`select private.add_member(${SPACE}, ${carol.i1}, 'viewer')`)).state,
      ).toBe('42501');
    });
  });

  it('adds by id only an identity the owner already knows, answering any other like one that does not exist', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      await s.as(A1);
      const stranger = await s.attempt(
        (tx) => tx`select private.add_member(${SPACE}, ${carol.i1}, 'viewer')`,
      );
      const nobody = await s.attempt(
        (tx) => tx`select private.add_member(${SPACE}, ${crypto.randomUUID()}, 'viewer')`,
      );
      expect([stranger.state, nobody.state]).toEqual(['P0002', 'P0002']);
      // once Carol is a member of another of A1's dataspaces, A1 may add her by id
      await s.asOwner();
      const [other] = await s.tx<{ id: string }[]>`
        select id from public.dataspaces where identity_id = ${SEED.a1} and id <> ${SPACE} limit 1`;
      await addMember(s, [other!.id], carol.i1, 'viewer');
      await s.as(A1);
      const [m] = await s.tx<
        { role: string }[]
      >`select role from private.add_member(${SPACE}, ${carol.i1}, 'editor')`;
      expect(m!.role).toBe('editor');
    });
  });

  it('never removes or demotes the owner, and lets a member leave', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      await addMember(s, [SPACE], carol.i1, 'host');
      await s.as(carol.as(carol.i1));
      // the owner has no membership to remove or demote
      expect(
        (await s.attempt((tx) => tx`select private.add_member(${SPACE}, ${SEED.a1}, 'viewer')`)).state,
      ).toBe('55000');
      const [mine] = await s.tx<{ id: string }[]>`
        select id from public.dataspace_members where member_identity_id = ${carol.i1}`;
      await s.tx`select private.remove_member(${mine!.id})`;
      expect((await s.tx`select id from public.dataspaces where id = ${SPACE}`).length).toBe(0);
    });
  });

  it('keeps membership rows read-only to clients: a forged row is refused', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      await s.as(carol.as(carol.i1));
      const forged = await s.attempt(
        (tx) => tx`insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role)
                   values (${SEED.a1}, ${SPACE}, ${carol.i1}, 'host')`,
      );
      expect(forged.state).toBe('42501');
      await addMember(s, [SPACE], carol.i1, 'viewer');
      await s.as(carol.as(carol.i1));
      const raise = await s.attempt(
        (tx) => tx`update public.dataspace_members set role = 'host' where member_identity_id = ${carol.i1}`,
      );
      expect(raise.state).toBe('42501');
      expect(
        (await s.tx`select role from public.dataspace_members where member_identity_id = ${carol.i1}`)[0]!
          .role,
      ).toBe('viewer');
    });
  });

  it('shows people by identity only, and audits each change on the chains concerned without another user’s id', async () => {
    await inRollback(sql, async (s) => {
      const carol = await freshUser(s);
      await s.asOwner();
      const [other] = await s.tx<{ id: string }[]>`
        select id from public.dataspaces where identity_id = ${SEED.a1} and id <> ${SPACE} limit 1`;
      await addMember(s, [other!.id], carol.i1, 'viewer');
      await s.as(A1);
      const [m] = await s.tx<
        { id: string }[]
      >`select id from private.add_member(${SPACE}, ${carol.i1}, 'participant')`;
      await s.tx`select private.change_member_role(${m!.id}, 'editor')`;
      await s.as(carol.as(carol.i1));
      const people = await s.tx`select * from private.list_members(${SPACE})`;
      const text = JSON.stringify(people);
      expect(text).not.toContain(SEED.alice);
      expect(text).not.toContain(carol.user);
      expect(text).not.toContain('@');
      await s.as(A1);
      await s.tx`select private.remove_member(${m!.id})`;
      await s.asOwner();
      const trail = await s.tx<{ identity_id: string; user_id: string; action: string; payload: unknown }[]>`
        select identity_id, user_id, action, payload from public.audit_log
        where entity_type = 'dataspace_member' and entity_id = ${m!.id} order by id`;
      expect(trail.map((r) => [r.identity_id === SEED.a1 ? 'owner' : 'member', r.action])).toEqual([
        ['member', 'membership.granted'],
        ['owner', 'member.added'],
        ['member', 'membership.role_changed'],
        ['owner', 'member.role_changed'],
        ['owner', 'member.removed'],
        ['member', 'membership.ended'],
      ]);
      for (const r of trail) {
        // each row names the user who owns its chain, and no payload names any user
        expect(r.user_id).toBe(r.identity_id === SEED.a1 ? SEED.alice : carol.user);
        expect(JSON.stringify(r.payload)).not.toContain(r.identity_id === SEED.a1 ? carol.user : SEED.alice);
      }
    });
  });
});
