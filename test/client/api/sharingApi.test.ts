/**
 * The client's sharing calls (client/api/chenuApi.ts, issue 14) against the real gateway and Deno
 * functions, between two users: invite by e-mail before the invitee signs up, accept with an identity,
 * "shared with me" with my_role, people, roles, links (made, listed, redeemed, revoked), a meeting
 * invitation, and the invitee's bureau showing the task assigned to it in the owner's meeting.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, createChenuApi } from '../../../client/api/chenuApi.ts';
import { createBureauStore } from '../../../client/bureau/bureauStore.ts';
import { useClientStack } from '../../e2e/clientStack.ts';

const stack = useClientStack('client_sharing');

describe('client sharing calls', () => {
  it('shares a dataspace and a meeting between two users through the typed calls', async () => {
    const alice = await stack.newUser('alice');
    const a = createChenuApi(alice.sb);
    const space = (await a.dataspaces()).data[0]!;
    expect(space.my_role).toBe('owner');
    const bobEmail = `bob-${crypto.randomUUID().slice(0, 8)}@client.chenu.local`;
    const inv = await a.invite(space.id, bobEmail, 'participant');
    expect(inv.status).toBe('pending');
    expect((await a.dataspaceInvitations(space.id)).data.map((i) => i.id)).toEqual([inv.id]);

    const bob = await stack.newUser('bob', bobEmail);
    const b = createChenuApi(bob.sb);
    const [mine] = (await b.myInvitations('pending')).data;
    expect(mine).toMatchObject({ id: inv.id, dataspace_name: space.name, invited_by_name: 'alice' });
    const accepted = await b.acceptInvitation(inv.id, bob.identityId);
    expect(accepted.membership?.role).toBe('participant');
    expect((await b.sharedDataspaces()).data).toMatchObject([{ id: space.id, my_role: 'participant' }]);
    const people = (await a.members(space.id)).data;
    expect(people.map((p) => p.role)).toEqual(['owner', 'participant']);
    const bobMember = people[1]!.membership_id!;
    expect((await a.changeMemberRole(space.id, bobMember, 'editor')).role).toBe('editor');
    expect((await a.addMember(space.id, bob.identityId, 'editor')).id).toBe(bobMember);

    // a link: made, listed, redeemed by a third user, revoked
    const carol = await stack.newUser('carol');
    const c = createChenuApi(carol.sb);
    const link = await a.createLink(space.id, { role: 'viewer', maxUses: 2, expiresInHours: 1 });
    expect(link.path).toBe(`/join/${link.token}`);
    expect((await a.links(space.id)).data.map((l) => l.id)).toEqual([link.link.id]);
    expect(await c.redeemLink(link.token, carol.identityId)).toMatchObject({ role: 'viewer' });
    await a.revokeLink(link.link.id);
    await expect(c.dataspace(space.id)).rejects.toMatchObject({ code: 'not_found', status: 404 });
    await expect(c.redeemLink('chenu_link_nope', carol.identityId)).rejects.toBeInstanceOf(ApiError);

    // a meeting invitation to a non-member, a task assigned to her: in her bureau
    const erin = await stack.newUser('erin');
    const e = createChenuApi(erin.sb);
    const [{ id: meetingId } = { id: '' }] = await stack.sql()<{ id: string }[]>`
      insert into public.meetings (identity_id, dataspace_id, title, scheduled_at)
      values (${alice.identityId}, ${space.id}, 'Chantier', now() + interval '1 day') returning id`;
    const erinEmail = (
      await stack.sql()<{ email: string }[]>`select email from auth.users where id = ${erin.userId}`
    )[0]!.email;
    const minv = await a.inviteToMeeting(meetingId, erinEmail);
    const seat = await e.acceptInvitation(minv.id, erin.identityId);
    await stack.sql()`insert into public.meeting_tasks (identity_id, meeting_id, title, assignee_participant_id)
                      values (${alice.identityId}, ${meetingId}, 'Livrer les plans', ${seat.participant!.id})`;
    expect((await e.assignedTasks()).data.map((t) => t.title)).toEqual(['Livrer les plans']);
    const bureau = createBureauStore(e);
    const sphere = (await e.spheres()).data[0]!;
    await bureau.load(sphere.id);
    await bureau.ensureContent();
    expect(bureau.getState().content.tasks.items.map((t) => t.title)).toEqual(['Livrer les plans']);

    // declines, revokes, removal, leaving
    const other = await a.invite(
      space.id,
      `x-${crypto.randomUUID().slice(0, 8)}@client.chenu.local`,
      'viewer',
    );
    await a.revokeInvitation(other.id);
    const frankEmail = `frank-${crypto.randomUUID().slice(0, 8)}@client.chenu.local`;
    const toFrank = await a.invite(space.id, frankEmail, 'viewer');
    const frank = await stack.newUser('frank', frankEmail);
    expect((await createChenuApi(frank.sb).declineInvitation(toFrank.id)).status).toBe('declined');
    await b.removeMember(space.id, bobMember);
    expect((await b.sharedDataspaces()).data).toEqual([]);
    expect((await b.onboard()).identity_id).toBe(bob.identityId);
  });
});
