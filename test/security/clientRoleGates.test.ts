/**
 * Door: the client's role gates (issue 14's screens: client/sharing/roles.ts `can`, the people
 * store's chat gate, the mode the page reports). The client hides what a role may not do; this file
 * checks that hiding is never the protection. A tampered client (the typed calls and raw room
 * messages, no screen in the way) acting as a member of each role gets exactly what the client
 * offers that role, and nothing more: every call the client would hide is refused by the API (4xx
 * JSON, nothing written), every call it offers is accepted, the role the API reports is the one it
 * enforces, a member cannot raise itself, and the room refuses a chat line or a forged role the page
 * could send.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, createChenuApi, type ChenuApi, type MemberRole } from '../../client/api/chenuApi.ts';
import { joinSpatialRoom } from '../../client/net/colyseusRoomFeed.ts';
import { createPeopleStore, type PeopleState, type PeopleStore } from '../../client/people/peopleStore.ts';
import { can, MEMBER_ROLES, type Capability } from '../../client/sharing/roles.ts';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import { useClientStack } from '../e2e/clientStack.ts';

const stack = useClientStack('security_client_role_gates', { realtime: true });

/** Resolves once `store`'s state satisfies `ok` (the current one included). */
function until<S>(
  store: { getState(): S; subscribe(fn: (s: S) => void): () => void },
  ok: (s: S) => boolean,
) {
  return new Promise<S>((resolve) => {
    if (ok(store.getState())) return resolve(store.getState());
    const off = store.subscribe((s) => {
      if (!ok(s)) return;
      off();
      resolve(s);
    });
  });
}

/** What the call answered: 'ok', or the refusal's HTTP status and code. */
async function outcome(call: () => Promise<unknown>): Promise<'ok' | { status: number; code: string }> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, code: error.code };
  }
}

/**
 * One call per capability the client gates, as a tampered client would make it directly, and how to
 * count what it would write (so a refusal is seen to have written nothing).
 */
function doors(api: ChenuApi, owner: ChenuApi, place: { dataspaceId: string; threadId: string }) {
  const tag = () => crypto.randomUUID().slice(0, 8);
  return {
    post: {
      call: () => api.postMessage(place.threadId, `posted ${tag()}`),
      count: async () => (await owner.messages(place.threadId)).data.length,
    },
    edit: {
      call: () => api.createThread({ dataspace_id: place.dataspaceId, title: `thread ${tag()}` }),
      count: async () => (await owner.threads(place.dataspaceId)).data.length,
    },
    share: {
      call: () => api.createLink(place.dataspaceId, { role: 'viewer', expiresInHours: 1 }),
      count: async () => (await owner.links(place.dataspaceId)).data.length,
    },
    own: {
      call: () => api.updateDataspace(place.dataspaceId, { name: `renamed ${tag()}` }),
      count: async () => ((await owner.dataspace(place.dataspaceId)).name.startsWith('renamed') ? 1 : 0),
    },
  } satisfies Record<Capability, { call: () => Promise<unknown>; count: () => Promise<number> }>;
}

describe('the client’s role gates are the API’s and the room’s, never only the screen’s', () => {
  it('refuses a member every call the client hides from its role, and accepts every call it offers', async () => {
    const alice = await stack.newUser('gate-owner');
    const owner = createChenuApi(alice.sb);
    const space = (await owner.dataspaces()).data[0]!;
    const thread = await owner.createThread({ dataspace_id: space.id, title: 'Plans' });
    const place = { dataspaceId: space.id, threadId: thread.id };

    for (const role of MEMBER_ROLES) {
      const member = await stack.newUser(`gate-${role}`);
      const invitation = await owner.invite(space.id, member.email, role);
      const api = createChenuApi(member.sb);
      await api.acceptInvitation(invitation.id, member.identityId);
      // the role the client is told is the role the API applies
      expect((await api.dataspace(space.id)).my_role).toBe(role);
      expect((await api.sharedDataspaces()).data.find((d) => d.id === space.id)?.my_role).toBe(role);

      for (const [capability, door] of Object.entries(doors(api, owner, place))) {
        const before = await door.count();
        const answer = await outcome(door.call);
        if (can(role, capability as Capability)) {
          expect(answer, `${role} may ${capability}`).toBe('ok');
        } else {
          expect(answer, `${role} may not ${capability}`).not.toBe('ok');
          const { status, code } = answer as { status: number; code: string };
          expect([403, 404], `${role} ${capability}: ${status} ${code}`).toContain(status);
          expect(code).toMatch(/^[a-z_]+$/);
          expect(await door.count(), `${role}'s refused ${capability} wrote nothing`).toBe(before);
        }
      }

      // a member below host cannot raise itself (the role select is a host's only)
      const mine = (await api.members(space.id)).data.find((m) => m.identity_id === member.identityId)!;
      if (!can(role, 'share')) {
        const raised = await outcome(() => api.changeMemberRole(space.id, mine.membership_id!, 'host'));
        expect([403, 404]).toContain((raised as { status: number }).status);
        expect((await api.dataspace(space.id)).my_role).toBe(role);
      }
    }
  }, 120_000);

  it('refuses in the room what the page’s stores would not send: a viewer’s chat line, a forged role', async () => {
    const alice = await stack.newUser('room-owner');
    const owner = createChenuApi(alice.sb);
    const space = (await owner.dataspaces()).data[0]!;
    const seat = async (label: string, role: MemberRole) => {
      const u = await stack.newUser(label);
      const invitation = await owner.invite(space.id, u.email, role);
      await createChenuApi(u.sb).acceptInvitation(invitation.id, u.identityId);
      const feed = await joinSpatialRoom({
        endpoint: stack.realtimeUrl(),
        accessToken: u.token,
        dataspaceId: space.id,
      });
      const refusals: RealtimeErrorMessage[] = [];
      feed.onRefusal((m) => refusals.push(m));
      return { feed, people: createPeopleStore(feed.room, (cb) => feed.onRefusal(cb)), refusals };
    };
    const host = await joinSpatialRoom({
      endpoint: stack.realtimeUrl(),
      accessToken: alice.token,
      dataspaceId: space.id,
    });
    const watching: PeopleStore = createPeopleStore(host.room);
    const viewer = await seat('room-viewer', 'viewer');
    const participant = await seat('room-participant', 'participant');
    await until(watching, (s) => s.people.length === 3);
    const roleOf = (s: PeopleState, name: string) => s.people.find((p) => p.name === name)?.role;

    // the participant's store sends, the room takes it; the viewer's store would not, and the line
    // forced onto the wire anyway is refused to its sender and reaches nobody
    expect(participant.people.sendChat('Bonjour')).toBe(true);
    await until(watching, (s) => s.chat.some((l) => l.text === 'Bonjour'));
    expect(viewer.people.sendChat('Je regarde')).toBe(false);
    viewer.feed.room.send('chat', { text: 'Je regarde quand même' });
    await until(viewer.people, (s) => s.chatError !== null);
    expect(viewer.refusals.find((r) => r.type === 'chat')).toMatchObject({ code: 'forbidden' });

    // the mode the page reports is the only thing it says about itself: a role beside it is refused
    viewer.feed.room.send('mode', { mode: 'vr', role: 'host', access: 'owner' });
    await expect.poll(() => viewer.refusals.some((r) => r.type === 'mode')).toBe(true);
    viewer.people.setMode('vr');
    await until(watching, (s) => s.people.find((p) => p.name === 'room-viewer')?.mode === 'vr');
    expect(roleOf(watching.getState(), 'room-viewer')).toBe('viewer');
    expect(watching.getState().people.find((p) => p.name === 'room-viewer')?.access).toBe('viewer');
    expect(watching.getState().chat.map((l) => l.text)).toEqual(['Bonjour']);

    for (const s of [viewer, participant]) {
      s.people.dispose();
      await s.feed.leave();
    }
    watching.dispose();
    await host.leave();
  }, 60_000);
});
