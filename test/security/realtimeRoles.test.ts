/**
 * Door: room roles of shared spaces (issue 14). Bob (another user) is a member of Alice's dataspace
 * with each role in turn, or holds a link, or a seat in one meeting; the rooms admit him through the
 * one admission function (private.room_access), show his role and why he is there, refuse what his
 * role may not do (a viewer does not move objects, chat or speak; a participant does not moderate; a
 * member host moderates but cannot remove the owner), and evict him within seconds when the
 * membership is removed, the link revoked or the meeting ended (latencies printed, never asserted).
 * An invitation reaches him live through his presence room.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOM_CLOSE, type RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { MeetingState } from '../../shared/schema/MeetingState.ts';
import type { PresenceState } from '../../shared/schema/PresenceState.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import type { WorkspaceState } from '../../shared/schema/WorkspaceState.ts';
import {
  addMember,
  asPersona,
  CAST,
  clientAs,
  confirmedEmailOf,
  createDataspace,
  createMeeting,
  createWorkspace,
  leaveOf,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from '../realtime/realtimeHarness.ts';

let h: Harness;
const latencies: string[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  process.stdout.write(
    `eviction latency, shared spaces (access ended -> client left):\n  ${latencies.join('\n  ')}\n`,
  );
  await h.stop();
});

type Kind = 'spatial' | 'workspace' | 'meeting';

async function seat<S>(persona: Persona, kind: Kind | 'presence', options: Record<string, string>) {
  const client = await clientAs(h, persona);
  const room = (await client.joinOrCreate(kind, options)) as SdkRoom<unknown, S>;
  await untilState(room, (s) => {
    const st = s as Record<string, Map<string, unknown> | undefined>;
    return (st.avatars ?? st.editors ?? st.participants ?? st.devices)?.has(room.sessionId) === true;
  });
  return room;
}

/** The role and access a room shows for its own session. */
function shown(room: SdkRoom, kind: Kind): [string, string] {
  const st = room.state as Record<string, Map<string, { role: string; access: string }>>;
  const me = (kind === 'spatial' ? st.avatars : kind === 'workspace' ? st.editors : st.participants)!.get(
    room.sessionId,
  )!;
  return [me.role, me.access];
}

async function evicted(room: SdkRoom, label: string, endedAt: () => number) {
  const left = await leaveOf(room);
  latencies.push(`${label}: ${Date.now() - endedAt()} ms`);
  return left;
}

const ROOM_ROLE: Record<Kind, Record<string, string>> = {
  spatial: { viewer: 'viewer', participant: 'participant', editor: 'participant', host: 'moderator' },
  workspace: { viewer: 'viewer', participant: 'viewer', editor: 'participant', host: 'moderator' },
  meeting: { viewer: 'viewer', participant: 'participant', editor: 'participant', host: 'moderator' },
};

describe('room roles of shared spaces', () => {
  it('seats a member of each role in every room kind with its room role and why it is there', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Partage par rôle');
    const ws = await createWorkspace(h.sql, 'a1', ds);
    const mt = await createMeeting(h.sql, 'a1', ds);
    const options: Record<Kind, Record<string, string>> = {
      spatial: { dataspaceId: ds },
      workspace: { workspaceId: ws },
      meeting: { meetingId: mt },
    };
    // not a member yet: refused at every door
    for (const kind of ['spatial', 'workspace', 'meeting'] as const) {
      await expect((await clientAs(h, 'b1')).joinOrCreate(kind, options[kind])).rejects.toThrow(/not open/);
    }
    for (const role of ['viewer', 'participant', 'editor', 'host'] as const) {
      await addMember(h.sql, 'b1', ds, role);
      for (const kind of ['spatial', 'workspace', 'meeting'] as const) {
        const room = await seat(`b1`, kind, options[kind]);
        expect(shown(room, kind), `${role} in ${kind}`).toEqual([ROOM_ROLE[kind][role], role]);
        await room.leave();
      }
    }
    // the other identity of the member's user gets nothing from it
    await expect((await clientAs(h, 'b2')).joinOrCreate('spatial', options.spatial)).rejects.toThrow(
      /not open/,
    );
    const owner = await seat<SpatialState>('a1', 'spatial', options.spatial);
    expect(shown(owner, 'spatial')).toEqual(['host', 'owner']);
    await owner.leave();
  });

  it('refuses what a viewer may not do, lets a participant act and a member host moderate, never the owner', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Actions par rôle');
    await addMember(h.sql, 'b1', ds, 'viewer');
    const owner = await seat<SpatialState>('a1', 'spatial', { dataspaceId: ds });
    const bob = await seat<SpatialState>('b1', 'spatial', { dataspaceId: ds });
    for (const [type, payload] of [
      ['placeObject', { kind: 'note', p: [0, 1, 0], q: [0, 0, 0, 1], s: [1, 1, 1] }],
      ['chat', { text: 'bonjour' }],
      ['lockRoom', { locked: true }],
    ] as const) {
      const refused = nextMessage<RealtimeErrorMessage>(bob, 'error');
      bob.send(type, payload);
      expect(await refused, `viewer ${type}`).toMatchObject({ code: 'forbidden', type });
    }
    expect(owner.state.objects.size).toBe(0);
    expect(owner.state.chat.length).toBe(0);
    // no client claims `speaking` any more (the SFU's audio level sets it); a viewer's voice is never
    // forwarded: voiceSignalling.test.ts
    const unknown = nextMessage<RealtimeErrorMessage>(bob, 'error');
    bob.send('speaking', { speaking: true });
    expect(await unknown).toMatchObject({ code: 'unknown_message' });
    // the owner places an object: a viewer cannot grab it
    owner.send('placeObject', { kind: 'note', p: [0, 1, 0], q: [0, 0, 0, 1], s: [1, 1, 1] });
    await untilState(owner, (s) => s.objects.size === 1);
    const objectId = [...owner.state.objects.keys()][0]!;
    const noGrab = nextMessage<RealtimeErrorMessage>(bob, 'error');
    bob.send('grab', { objectId });
    expect(await noGrab).toMatchObject({ code: 'forbidden', type: 'grab' });

    // raised to participant: the room applies it live; he moves the object and chats, but does not moderate
    await addMember(h.sql, 'b1', ds, 'participant');
    await untilState(owner, (s) => s.avatars.get(bob.sessionId)?.role === 'participant');
    expect(owner.state.avatars.get(bob.sessionId)?.access).toBe('participant');
    const granted = nextMessage<{ granted: boolean }>(bob, 'grab');
    bob.send('grab', { objectId });
    expect(await granted).toMatchObject({ granted: true });
    bob.send('move', { objectId, p: [1, 1, 1], q: [0, 0, 0, 1] });
    bob.send('chat', { text: 'je le déplace' });
    await untilState(owner, (s) => s.objects.get(objectId)!.px === 1 && s.chat.length === 1);
    const noKick = nextMessage<RealtimeErrorMessage>(bob, 'error');
    bob.send('kick', { sessionId: owner.sessionId });
    expect(await noKick).toMatchObject({ code: 'forbidden', type: 'kick' });

    // a member host moderates (lock, mute, kick a participant) but cannot touch the owner
    await addMember(h.sql, 'b1', ds, 'host');
    await untilState(owner, (s) => s.avatars.get(bob.sessionId)?.role === 'moderator');
    bob.send('lockRoom', { locked: true });
    await untilState(owner, (s) => s.locked);
    const ownerSafe = nextMessage<RealtimeErrorMessage>(bob, 'error');
    bob.send('kick', { sessionId: owner.sessionId });
    expect(await ownerSafe).toMatchObject({ code: 'forbidden', type: 'kick' });
    expect(owner.connection.isOpen).toBe(true);
    await Promise.all([bob.leave(), owner.leave()]);
  });

  it('evicts a removed member from every room kind within seconds, and keeps the owner seated', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Retrait');
    const ws = await createWorkspace(h.sql, 'a1', ds);
    const mt = await createMeeting(h.sql, 'a1', ds);
    const member = await addMember(h.sql, 'b1', ds, 'editor');
    const owner = await seat<SpatialState>('a1', 'spatial', { dataspaceId: ds });
    const rooms = [
      await seat('b1', 'spatial', { dataspaceId: ds }),
      await seat('b1', 'workspace', { workspaceId: ws }),
      await seat('b1', 'meeting', { meetingId: mt }),
    ];
    let removedAt = 0;
    const left = rooms.map((r, i) =>
      evicted(r, `member removed, ${['spatial', 'workspace', 'meeting'][i]}`, () => removedAt),
    );
    await asPersona(h.sql, 'a1', (tx) => tx`select private.remove_member(${member})`);
    removedAt = Date.now();
    for (const l of await Promise.all(left)) {
      expect(l).toEqual({ code: ROOM_CLOSE.accessEnded, reason: 'realtime: your access to this room ended' });
    }
    await untilState(owner, (s) => s.avatars.size === 1);
    expect(owner.connection.isOpen).toBe(true);
    await owner.leave();
  });

  it('evicts a link holder when the link is revoked', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Lien');
    const made = await asPersona(
      h.sql,
      'a1',
      (tx) => tx<{ r: { token: string; link: { id: string } } }[]>`
        select private.create_share_link(${ds}, null, 'participant', interval '1 hour') as r`,
    );
    const { token, link } = made[0]!.r;
    await asPersona(h.sql, 'b1', (tx) => tx`select private.redeem_share_link(${token}, ${CAST.b1})`);
    const room = await seat<SpatialState>('b1', 'spatial', { dataspaceId: ds });
    expect(shown(room, 'spatial')).toEqual(['participant', 'participant']);
    let revokedAt = 0;
    const left = evicted(room, 'link revoked, spatial', () => revokedAt);
    await asPersona(h.sql, 'a1', (tx) => tx`select private.revoke_share_link(${link.id})`);
    revokedAt = Date.now();
    expect((await left).code).toBe(ROOM_CLOSE.accessEnded);
  });

  it('seats a meeting invitee in that meeting only, and evicts it when the meeting ends', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Invitation à une réunion');
    const mt = await createMeeting(h.sql, 'a1', ds);
    const email = await confirmedEmailOf(h.sql, 'b1');
    const [inv] = await asPersona(
      h.sql,
      'a1',
      (tx) => tx<{ id: string }[]>`select id from private.invite(null, ${mt}, ${email}, 'participant')`,
    );
    await asPersona(h.sql, 'b1', (tx) => tx`select private.accept_invitation(${inv!.id}, ${CAST.b1})`);
    const room = await seat<MeetingState>('b1', 'meeting', { meetingId: mt });
    expect(shown(room, 'meeting')).toEqual(['participant', 'seat']);
    // the meeting only: not the dataspace's room
    await expect((await clientAs(h, 'b1')).joinOrCreate('spatial', { dataspaceId: ds })).rejects.toThrow(
      /not open/,
    );
    let endedAt = 0;
    const left = evicted(room, 'meeting ended, invitee', () => endedAt);
    await h.sql`update public.meetings set status = 'ended', ended_at = now() where id = ${mt}`;
    endedAt = Date.now();
    expect((await left).code).toBe(ROOM_CLOSE.accessEnded);
  });

  it('tells an invitee live through its presence room', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Invitation en direct');
    const email = await confirmedEmailOf(h.sql, 'b1');
    const presence = await seat<PresenceState>('b1', 'presence', { identityId: CAST.b1 });
    const unread = presence.state.unread;
    await asPersona(h.sql, 'a1', (tx) => tx`select private.invite(${ds}, null, ${email}, 'viewer')`);
    await untilState(presence, (s) => s.unread === unread + 1);
    expect(presence.state.notifications[0]).toMatchObject({ kind: 'invitation.received' });
    expect(presence.state.notifications[0]!.title).toContain('Invitation en direct');
    await presence.leave();
  });

  it('lets an editor of a workspace edit, not a participant', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Atelier partagé');
    const ws = await createWorkspace(h.sql, 'a1', ds);
    await addMember(h.sql, 'b1', ds, 'participant');
    const room = await seat<WorkspaceState>('b1', 'workspace', { workspaceId: ws });
    const refused = nextMessage<RealtimeErrorMessage>(room, 'error');
    room.send('docUpdate', { update: new Uint8Array([0, 0]) });
    expect(await refused).toMatchObject({ code: 'forbidden', type: 'docUpdate' });
    await room.leave();
  });
});
