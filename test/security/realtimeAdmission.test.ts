/**
 * Door: realtime room admission. Bob (a second authenticated user, with no grant on anything of
 * Alice's) tries every path into each of Alice's live rooms, of all four kinds: joinOrCreate, join,
 * create and joinById naming Alice's resource, joinById on Alice's room id with options naming
 * Bob's OWN resource (the confused deputy of issue 13: seated as host before), and reconnect with
 * a reconnection token of his own room re-pointed at Alice's. Then the door of the instance (lock,
 * ban, capacity) and the role against the instance, for an identity that has a grant, and the
 * reconnection of a seat whose grant was revoked while it was away.
 */
import type { Client, Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { meetingRoomId } from '../../server/rooms/MeetingRoom.ts';
import { presenceRoomId } from '../../server/rooms/PresenceRoom.ts';
import { spatialRoomId } from '../../server/rooms/SpatialRoom.ts';
import { workspaceRoomId } from '../../server/rooms/WorkspaceRoom.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  createMeeting,
  createWorkspace,
  grantElevation,
  mintToken,
  revokeElevation,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from '../realtime/realtimeHarness.ts';

type Kind = 'spatial' | 'workspace' | 'meeting' | 'presence';

/** Per room kind: its join option, its room id, and whether a session sits in its state. */
const KINDS: Record<
  Kind,
  { option: string; roomId: (id: string) => string; seated: (state: never, sessionId: string) => boolean }
> = {
  spatial: {
    option: 'dataspaceId',
    roomId: spatialRoomId,
    seated: (s: { avatars?: Map<string, unknown> }, id) => s.avatars?.has(id) === true,
  },
  workspace: {
    option: 'workspaceId',
    roomId: workspaceRoomId,
    seated: (s: { editors?: Map<string, unknown> }, id) => s.editors?.has(id) === true,
  },
  meeting: {
    option: 'meetingId',
    roomId: meetingRoomId,
    seated: (s: { participants?: Map<string, unknown> }, id) => s.participants?.has(id) === true,
  },
  presence: {
    option: 'identityId',
    roomId: presenceRoomId,
    seated: (s: { devices?: Map<string, unknown> }, id) => s.devices?.has(id) === true,
  },
};

/** Who is seated in a room's state, whatever its kind. */
function seats(room: SdkRoom): number {
  const s = room.state as Record<string, Map<string, unknown> | undefined>;
  return (s.avatars ?? s.editors ?? s.participants ?? s.devices)?.size ?? 0;
}

let h: Harness;
const alice = {} as Record<Kind, string>;
const bob = {} as Record<Kind, string>;
const aliceRooms = {} as Record<Kind, SdkRoom>;
/** The most sessions each of Alice's rooms ever showed her. */
const mostSeated = {} as Record<Kind, number>;

async function joinOwn(persona: Persona, kind: Kind, resource: string): Promise<SdkRoom> {
  const client = await clientAs(h, persona);
  const room = await client.joinOrCreate(kind, { [KINDS[kind].option]: resource });
  await untilState(room, (s) => KINDS[kind].seated(s as never, room.sessionId));
  return room;
}

/** The refusal message of a join attempt, or 'joined' (the attempt's room is then left). */
async function refusal(attempt: Promise<SdkRoom>): Promise<string> {
  try {
    const room = await attempt;
    await room.leave();
    return 'joined';
  } catch (error) {
    return (error as Error).message;
  }
}

beforeAll(async () => {
  h = await startHarness({ reconnectSeconds: 30 });
  const aliceDs = await createDataspace(h.sql, 'a1', 'Salon d’Alice');
  const bobDs = await createDataspace(h.sql, 'b1', 'Atelier de Bob');
  Object.assign(alice, {
    spatial: aliceDs,
    workspace: await createWorkspace(h.sql, 'a1', aliceDs),
    meeting: await createMeeting(h.sql, 'a1', aliceDs),
    presence: CAST.a1,
  });
  Object.assign(bob, {
    spatial: bobDs,
    workspace: await createWorkspace(h.sql, 'b1', bobDs),
    meeting: await createMeeting(h.sql, 'b1', bobDs),
    presence: CAST.b1,
  });
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const room = (aliceRooms[kind] = await joinOwn('a1', kind, alice[kind]));
    mostSeated[kind] = seats(room);
    room.onStateChange(() => (mostSeated[kind] = Math.max(mostSeated[kind], seats(room))));
  }
});
afterAll(async () => {
  await Promise.all(Object.values(aliceRooms).map((r) => r.leave()));
  await h.stop();
});

describe.each(Object.keys(KINDS) as Kind[])('%s room: a stranger at every door', (kind) => {
  const { option, roomId } = KINDS[kind];
  let stranger: Client;
  beforeAll(async () => {
    stranger = await clientAs(h, 'b1');
  });

  it('refuses joinOrCreate, join and create naming Alice’s resource', async () => {
    for (const path of ['joinOrCreate', 'join', 'create'] as const) {
      expect(await refusal(stranger[path](kind, { [option]: alice[kind] })), path).toMatch(
        /is not open to this identity/,
      );
    }
  });

  it('refuses joinById on Alice’s room when the options name Bob’s own resource', async () => {
    expect(await refusal(stranger.joinById(roomId(alice[kind]), { [option]: bob[kind] }))).toMatch(
      new RegExp(`${kind === 'spatial' ? 'dataspace' : kind} ${alice[kind]} is not open to this identity`),
    );
  });

  it('refuses joinById on Alice’s room naming Alice’s resource, or nothing', async () => {
    expect(await refusal(stranger.joinById(roomId(alice[kind]), { [option]: alice[kind] }))).toMatch(
      /is not open to this identity/,
    );
    expect(await refusal(stranger.joinById(roomId(alice[kind]), {}))).toMatch(/invalid join options/);
  });

  it('refuses a reconnection token of Bob’s own room re-pointed at Alice’s room', async () => {
    const own = await joinOwn('b1', kind, bob[kind]);
    const token = own.reconnectionToken.split(':')[1]!;
    expect(await refusal(stranger.reconnect(`${roomId(alice[kind])}:${token}`))).toMatch(
      /reconnection token invalid or expired/,
    );
    await own.leave();
  });

  it('never seated Bob, not even for a patch: Alice was alone in her room throughout', () => {
    expect(mostSeated[kind]).toBe(1);
    expect(seats(aliceRooms[kind])).toBe(1);
  });
});

describe('the instance’s door and role, for an identity with a grant on the room', () => {
  async function spatialRoomOf(
    persona: Persona,
    dataspaceId: string,
  ): Promise<SdkRoom<unknown, SpatialState>> {
    const room = await (await clientAs(h, persona)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
    await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
    return room;
  }

  it('gives the role the database gives about THIS room, not about the room the options name', async () => {
    const shared = await createDataspace(h.sql, 'a1', 'Lecture seule');
    const own = await createDataspace(h.sql, 'b2', 'Chez Bob');
    await grantElevation(h.sql, 'b2', 'a1', shared, 'read');
    const host = await spatialRoomOf('a1', shared);
    const reader = await (
      await clientAs(h, 'b2')
    ).joinById<SpatialState>(spatialRoomId(shared), {
      dataspaceId: own,
    });
    await untilState(host, (s) => s.avatars.has(reader.sessionId));
    expect(host.state.avatars.get(reader.sessionId)!.role).toBe('viewer');
    await Promise.all([reader.leave(), host.leave()]);
  });

  it('keeps a locked room locked and a removed identity out, on every path', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Salle fermée');
    const own = await createDataspace(h.sql, 'b2', 'Chez Bob 2');
    await grantElevation(h.sql, 'b2', 'a1', ds, 'write');
    const host = await spatialRoomOf('a1', ds);
    host.send('lockRoom', { locked: true });
    await untilState(host, (s) => s.locked);
    const b2 = await clientAs(h, 'b2');
    expect(await refusal(b2.joinById(spatialRoomId(ds), { dataspaceId: own }))).toMatch(/locked by its host/);
    expect(await refusal(b2.joinOrCreate('spatial', { dataspaceId: ds }))).toMatch(/locked by its host/);
    host.send('lockRoom', { locked: false });
    await untilState(host, (s) => !s.locked);
    const guest = await spatialRoomOf('b2', ds);
    const kicked = new Promise<number>((resolve) => guest.onLeave((code) => resolve(code)));
    host.send('kick', { sessionId: guest.sessionId });
    expect(await kicked).toBe(4001);
    // the host sees the removal in a later patch (on a loaded machine after the refusals below)
    await untilState(host, (s) => !s.avatars.has(guest.sessionId));
    expect(await refusal(b2.joinById(spatialRoomId(ds), { dataspaceId: own }))).toMatch(
      /removed from this room/,
    );
    expect(await refusal(b2.joinOrCreate('spatial', { dataspaceId: ds }))).toMatch(/removed from this room/);
    expect(seats(host)).toBe(1);
    await host.leave();
  });

  it('refuses a seat beyond the instance’s capacity, whatever the options say', async () => {
    const small = await createDataspace(h.sql, 'a1', 'Cabine');
    const own = await createDataspace(h.sql, 'b2', 'Chez Bob 3');
    await h.sql`insert into public.xr_rooms (identity_id, dataspace_id, name, kind, capacity)
                values (${CAST.a1}, ${small}, 'Cabine', 'dataspace', 1)`;
    await grantElevation(h.sql, 'b2', 'a1', small, 'write');
    const host = await spatialRoomOf('a1', small);
    const b2 = await clientAs(h, 'b2');
    expect(await refusal(b2.joinById(spatialRoomId(small), { dataspaceId: own }))).toMatch(/locked|full/);
    expect(await refusal(b2.joinOrCreate('spatial', { dataspaceId: small }))).toMatch(/full/);
    await host.leave();
  });

  it('refuses the reconnection of a seat whose grant was revoked while it was away', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Salle de retour');
    const grant = await grantElevation(h.sql, 'b2', 'a1', ds, 'write');
    const host = await spatialRoomOf('a1', ds);
    const b2 = await clientAs(h, 'b2');
    const guest = await b2.joinOrCreate<SpatialState>('spatial', { dataspaceId: ds });
    await untilState(host, (s) => s.avatars.has(guest.sessionId));
    const token = guest.reconnectionToken;
    // a lost network: no leave message, the seat is kept for the reconnection window (30 s here)
    guest.reconnection.enabled = false;
    guest.connection.close(3000, 'network lost');
    await untilState(host, (s) => s.avatars.get(guest.sessionId)?.connected === false);
    await revokeElevation(h.sql, grant);
    // the revocation ends the window at once: the avatar goes long before the 30 s are up
    await untilState(host, (s) => !s.avatars.has(guest.sessionId));
    expect(await refusal(b2.reconnect(token))).toMatch(/reconnection token invalid or expired/);
    expect(seats(host)).toBe(1);
    await host.leave();
  });

  it('refuses a token acting as an identity its user does not own, on joinById too', async () => {
    const borrowed = h.client(null, await mintToken('b1', { identityId: CAST.a1 }));
    expect(
      await refusal(borrowed.joinById(spatialRoomId(alice.spatial), { dataspaceId: alice.spatial })),
    ).toMatch(/is not open to this identity/);
    expect(await refusal(borrowed.joinById(presenceRoomId(CAST.a1), { identityId: CAST.a1 }))).toMatch(
      /is not open to this identity/,
    );
  });
});
