/**
 * Door: what a second authenticated user can do to someone else's rooms, fuzzed with a pinned seed
 * and a bounded count. Bob (no grant) throws seeded join attempts at the matchmaker: every path,
 * every room name, options naming Alice's resources, his own, random ids and garbage, and room ids
 * of Alice's live rooms; none may seat him in them. Then Bob's other identity, a viewer in Alice's
 * rooms through a read grant, sends seeded messages (hostile and well-formed: edits, moderation
 * aimed at Alice's session and objects); Alice's rooms must not change and Alice must stay host.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEETING_CLIENT } from '../../shared/protocol/meetingProtocol.ts';
import { SPATIAL_CLIENT } from '../../shared/protocol/spatialProtocol.ts';
import type { MeetingState } from '../../shared/schema/MeetingState.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { meetingRoomId } from '../../server/rooms/MeetingRoom.ts';
import { presenceRoomId } from '../../server/rooms/PresenceRoom.ts';
import { spatialRoomId } from '../../server/rooms/SpatialRoom.ts';
import { workspaceRoomId } from '../../server/rooms/WorkspaceRoom.ts';
import { fuzzValue, pick, rng, seededUuid } from '../helpers/fuzz.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  createMeeting,
  createWorkspace,
  grantElevation,
  startHarness,
  untilState,
  type Harness,
} from '../realtime/realtimeHarness.ts';

const SEED = 0x0d00_75ed;
const JOIN_ATTEMPTS = 300;
const SPATIAL_MESSAGES = 2_000;
const MEETING_MESSAGES = 400;
const BATCH = 25;

let h: Harness;
const alice = { dataspace: '', workspace: '', meeting: '' };
const bob = { dataspace: '', workspace: '', meeting: '' };
let aliceSpatial: SdkRoom<unknown, SpatialState>;
let aliceMeeting: SdkRoom<unknown, MeetingState>;
const aliceRooms: SdkRoom[] = [];
const mostSeated = new Map<SdkRoom, number>();

function seats(room: SdkRoom): number {
  const s = room.state as Record<string, Map<string, unknown> | undefined>;
  return (s.avatars ?? s.editors ?? s.participants ?? s.devices)?.size ?? 0;
}

async function watch<T extends SdkRoom>(room: T): Promise<T> {
  await untilState(room, () => seats(room) === 1);
  aliceRooms.push(room);
  mostSeated.set(room, 1);
  room.onStateChange(() => mostSeated.set(room, Math.max(mostSeated.get(room)!, seats(room))));
  return room;
}

beforeAll(async () => {
  // limits far above the flood, so every fuzzed message reaches validation and the room's rules
  const unlimited = { perSecond: 1e6, burst: 1e6 };
  h = await startHarness({ poseRate: unlimited, actionRate: unlimited });
  alice.dataspace = await createDataspace(h.sql, 'a1', 'Salle visée');
  alice.workspace = await createWorkspace(h.sql, 'a1', alice.dataspace);
  alice.meeting = await createMeeting(h.sql, 'a1', alice.dataspace);
  bob.dataspace = await createDataspace(h.sql, 'b1', 'Salle de Bob');
  bob.workspace = await createWorkspace(h.sql, 'b1', bob.dataspace);
  bob.meeting = await createMeeting(h.sql, 'b1', bob.dataspace);
  await grantElevation(h.sql, 'b2', 'a1', alice.dataspace, 'read');
  const a = await clientAs(h, 'a1');
  aliceSpatial = await watch(await a.joinOrCreate<SpatialState>('spatial', { dataspaceId: alice.dataspace }));
  await watch(await a.joinOrCreate('workspace', { workspaceId: alice.workspace }));
  aliceMeeting = await watch(await a.joinOrCreate<MeetingState>('meeting', { meetingId: alice.meeting }));
  await watch(await a.joinOrCreate('presence', { identityId: CAST.a1 }));
  aliceSpatial.send('placeObject', { kind: 'note', p: [1, 1, 1], q: [0, 0, 0, 1], s: [1, 1, 1] });
  aliceSpatial.send('placeAnchor', { label: 'ancre', p: [0, 0, 0], q: [0, 0, 0, 1] });
  aliceSpatial.send('chat', { text: 'bonjour' });
  aliceMeeting.send('addNote', { text: 'ordre du jour' });
  await untilState(aliceSpatial, (s) => s.objects.size === 1 && s.anchors.size === 1 && s.chat.length === 1);
  await untilState(aliceMeeting, (s) => s.notes.length === 1);
});
afterAll(async () => {
  await Promise.all(aliceRooms.map((r) => r.leave()));
  await h.stop();
});

describe('a second user fuzzing the doors', () => {
  it(`seats Bob in none of Alice's rooms over ${JOIN_ATTEMPTS} seeded join attempts`, async () => {
    const r = rng(SEED);
    const stranger = await clientAs(h, 'b1');
    const aliceIds = new Set(aliceRooms.map((room) => room.roomId));
    const roomIds = [
      spatialRoomId(alice.dataspace),
      workspaceRoomId(alice.workspace),
      meetingRoomId(alice.meeting),
      presenceRoomId(CAST.a1),
      spatialRoomId(bob.dataspace),
      presenceRoomId(CAST.b1),
      seededUuid(r),
    ];
    const ids = () =>
      pick(r, [
        alice.dataspace,
        alice.workspace,
        alice.meeting,
        CAST.a1,
        bob.dataspace,
        bob.workspace,
        bob.meeting,
        CAST.b1,
        CAST.b2,
        seededUuid(r),
        fuzzValue(r),
      ]);
    const optionKeys = ['dataspaceId', 'workspaceId', 'meetingId', 'identityId', 'mode', 'roomId', 'role'];
    const outcomes = { refused: 0, seatedElsewhere: 0 };
    for (let i = 0; i < JOIN_ATTEMPTS; i += 1) {
      const options: Record<string, unknown> = {};
      for (const key of optionKeys) if (r() < 0.45) options[key] = key === 'mode' ? fuzzValue(r) : ids();
      const name = pick(r, ['spatial', 'workspace', 'meeting', 'presence', 'spatial ', 'x'.repeat(40)]);
      const path = pick(r, ['joinOrCreate', 'join', 'create', 'joinById', 'joinById'] as const);
      let attempt: Promise<SdkRoom>;
      if (path === 'joinById') attempt = stranger.joinById(pick(r, roomIds), options);
      else attempt = stranger[path](name, options);
      const room = await attempt.catch(() => undefined);
      if (!room) {
        outcomes.refused += 1;
        continue;
      }
      expect(aliceIds.has(room.roomId), `${path} ${JSON.stringify(options)}`).toBe(false);
      outcomes.seatedElsewhere += 1;
      await room.leave();
    }
    expect(outcomes.refused + outcomes.seatedElsewhere).toBe(JOIN_ATTEMPTS);
    expect(outcomes.refused).toBeGreaterThan(JOIN_ATTEMPTS / 2);
    for (const room of aliceRooms) expect(mostSeated.get(room), room.roomId).toBe(1);
  }, 120_000);

  it(`leaves Alice's spatial room as it was after ${SPATIAL_MESSAGES} seeded messages from a viewer`, async () => {
    const r = rng(SEED + 1);
    const viewer = await (
      await clientAs(h, 'b2')
    ).joinOrCreate<SpatialState>('spatial', {
      dataspaceId: alice.dataspace,
    });
    await untilState(aliceSpatial, (s) => s.avatars.has(viewer.sessionId));
    expect(aliceSpatial.state.avatars.get(viewer.sessionId)!.role).toBe('viewer');
    for (const type of ['error', 'grab', 'saved', 'db']) viewer.onMessage(type, () => {});
    let aliceErrors = 0;
    aliceSpatial.onMessage('error', () => (aliceErrors += 1));
    const before = snapshot(aliceSpatial.state);
    const [objectId] = [...aliceSpatial.state.objects.keys()];
    const targeted = (): [string, unknown] =>
      pick(r, [
        ['kick', { sessionId: aliceSpatial.sessionId }],
        ['mute', { sessionId: aliceSpatial.sessionId, muted: true }],
        ['setRole', { sessionId: aliceSpatial.sessionId, role: 'viewer' }],
        ['setRole', { sessionId: viewer.sessionId, role: 'moderator' }],
        ['lockRoom', { locked: true }],
        ['grab', { objectId }],
        ['move', { objectId, p: [9, 9, 9], q: [0, 0, 0, 1] }],
        ['removeObject', { objectId }],
        ['placeObject', { kind: 'note', p: [0, 1, 0], q: [0, 0, 0, 1], s: [1, 1, 1] }],
        ['placeAnchor', { label: 'intrus', p: [0, 0, 0], q: [0, 0, 0, 1] }],
      ] as [string, unknown][]);
    const types = [...Object.values(SPATIAL_CLIENT), 'nope', ''];
    for (let sent = 0; sent < SPATIAL_MESSAGES; sent += BATCH) {
      for (let i = 0; i < BATCH; i += 1) {
        const [type, payload] = r() < 0.4 ? targeted() : [pick(r, types), fuzzValue(r)];
        // beyond the frame cap the transport closes the socket by design: fuzz what gets through it
        viewer.send(type, (JSON.stringify(payload) ?? '').length > 4000 ? {} : payload);
      }
      const echo = sent + 1;
      aliceSpatial.send('pose', {
        h: [0, 1.6, 0, 0, 0, 0, 1],
        l: [0, 1, 0, 0, 0, 0, 1],
        r: [0, 1, 0, 0, 0, 0, 1],
        t: echo,
      });
      await untilState(aliceSpatial, (s) => s.avatars.get(aliceSpatial.sessionId)?.echo === echo);
    }
    expect(snapshot(aliceSpatial.state)).toEqual(before);
    expect(aliceSpatial.state.avatars.get(viewer.sessionId)!.role).toBe('viewer');
    expect(aliceErrors).toBe(0);
    expect(viewer.connection.isOpen).toBe(true);
    await viewer.leave();
  }, 120_000);

  it(`leaves Alice's meeting as it was after ${MEETING_MESSAGES} seeded messages from a viewer`, async () => {
    const r = rng(SEED + 2);
    const viewer = await (
      await clientAs(h, 'b2')
    ).joinOrCreate<MeetingState>('meeting', {
      meetingId: alice.meeting,
    });
    await untilState(aliceMeeting, (s) => s.participants.has(viewer.sessionId));
    expect(aliceMeeting.state.participants.get(viewer.sessionId)!.role).toBe('viewer');
    for (const type of ['error', 'saved', 'db']) viewer.onMessage(type, () => {});
    const noteId = aliceMeeting.state.notes[0]!.id;
    const meetingKeys = ['index', 'seconds', 'text', 'noteId', 'title', 'assigneeSessionId'];
    const types = [...Object.values(MEETING_CLIENT), 'nope'];
    const before = JSON.stringify(aliceMeeting.state.toJSON());
    for (let sent = 0; sent < MEETING_MESSAGES; sent += 1) {
      const [type, payload] =
        r() < 0.4
          ? pick(r, [
              ['nextSpeaker', {}],
              ['agendaGo', { index: 0 }],
              ['timerStart', { seconds: 60 }],
              ['addNote', { text: 'intrusion' }],
              ['noteToTask', { noteId, title: 'tâche forcée' }],
              ['raiseHand', {}],
            ] as [string, unknown][])
          : [pick(r, types), fuzzValue(r, 0, meetingKeys)];
      viewer.send(type, (JSON.stringify(payload) ?? '').length > 4000 ? {} : payload);
    }
    // a round trip through the room after the flood: the viewer's own lowerHand is the one thing it may do
    viewer.send('lowerHand', {});
    aliceMeeting.send('raiseHand', {});
    await untilState(aliceMeeting, (s) => s.speakerQueue.includes(aliceMeeting.sessionId));
    aliceMeeting.send('lowerHand', {});
    await untilState(aliceMeeting, (s) => s.speakerQueue.length === 0);
    expect(JSON.stringify(aliceMeeting.state.toJSON())).toBe(before);
    const [{ tasks } = { tasks: -1 }] = await h.sql<{ tasks: number }[]>`
      select count(*)::int as tasks from public.meeting_tasks where meeting_id = ${alice.meeting}`;
    expect(tasks).toBe(0);
    await viewer.leave();
  }, 120_000);
});

/** What must not change in Alice's spatial room: her seat, the objects, anchors, lock and chat. */
function snapshot(state: SpatialState) {
  const me = [...state.avatars.values()].find((a) => a.identityId === CAST.a1)!;
  return {
    alice: { role: me.role, muted: me.muted, connected: me.connected },
    locked: state.locked,
    objects: [...state.objects.values()].map((o) => [o.id, o.px, o.py, o.pz, o.lockedBy, o.version]),
    anchors: [...state.anchors.keys()],
    chat: state.chat.map((l) => l.text),
  };
}
