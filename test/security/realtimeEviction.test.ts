/**
 * Door: access is re-checked after join. A seat whose access ends loses it within seconds, with a
 * close code and a reason: a revoked grant (outbox event), an expired grant (the room's timer at
 * the grant's expiry), a deleted identity (event), an archived dataspace or cancelled meeting
 * (event), an expired access token (the room's timer at `exp`); a grant narrowed from write to
 * read keeps the seat and loses the writes. Each latency (from the commit, or from the moment
 * access ends, to the client's leave) is measured and printed, never asserted.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOM_CLOSE, type RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  createMeeting,
  createWorkspace,
  grantElevation,
  leaveOf,
  mintToken,
  nextMessage,
  revokeElevation,
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
  process.stdout.write(`eviction latency (access ended -> client left):\n  ${latencies.join('\n  ')}\n`);
  await h.stop();
});

async function seat(
  persona: Persona,
  kind: 'spatial' | 'workspace' | 'meeting' | 'presence',
  options: Record<string, string>,
  token?: string,
): Promise<SdkRoom> {
  const client = token ? h.client(null, token) : await clientAs(h, persona);
  const room = await client.joinOrCreate(kind, options);
  await untilState(room, (s) => {
    const st = s as Record<string, Map<string, unknown> | undefined>;
    return (st.avatars ?? st.editors ?? st.participants ?? st.devices)?.has(room.sessionId) === true;
  });
  return room;
}

/** Awaits the leave, records the time from `endedAt` (ms since epoch) and returns code and reason. */
async function evicted(room: SdkRoom, label: string, endedAt: () => number) {
  const left = await leaveOf(room);
  latencies.push(`${label}: ${Date.now() - endedAt()} ms`);
  return left;
}

describe('eviction when access ends', () => {
  it('evicts from every room kind when the grant is revoked, and leaves the owner seated', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Révocation');
    const ws = await createWorkspace(h.sql, 'a1', ds);
    const mt = await createMeeting(h.sql, 'a1', ds);
    const grant = await grantElevation(h.sql, 'b1', 'a1', ds, 'write');
    const owner = await seat('a1', 'spatial', { dataspaceId: ds });
    const rooms = [
      await seat('b1', 'spatial', { dataspaceId: ds }),
      await seat('b1', 'workspace', { workspaceId: ws }),
      await seat('b1', 'meeting', { meetingId: mt }),
    ];
    let committedAt = 0;
    const left = rooms.map((r, i) =>
      evicted(r, `revoked grant, ${['spatial', 'workspace', 'meeting'][i]}`, () => committedAt),
    );
    await revokeElevation(h.sql, grant);
    committedAt = Date.now();
    for (const l of await Promise.all(left)) {
      expect(l).toEqual({ code: ROOM_CLOSE.accessEnded, reason: 'realtime: your access to this room ended' });
    }
    await untilState(owner as SdkRoom<unknown, SpatialState>, (s) => s.avatars.size === 1);
    expect(owner.connection.isOpen).toBe(true);
    await owner.leave();
  });

  it('evicts at the grant’s expiry (no row changes: the room’s own timer)', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Expiration');
    await grantElevation(h.sql, 'b1', 'a1', ds, 'read', '1500 milliseconds');
    const [{ expires } = { expires: new Date() }] = await h.sql<{ expires: Date }[]>`
      select expires_at as expires from public.elevation_requests
      where requester_identity_id = ${CAST.b1} and scope_id = ${ds}`;
    const guest = await seat('b1', 'spatial', { dataspaceId: ds });
    const left = await evicted(guest, 'expired grant, spatial', () => expires.getTime());
    expect(left.code).toBe(ROOM_CLOSE.accessEnded);
  });

  it('turns a participant into a viewer when only a read grant remains, and refuses its writes', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Rétrogradation');
    const write = await grantElevation(h.sql, 'b1', 'a1', ds, 'write');
    await grantElevation(h.sql, 'b1', 'a1', ds, 'read');
    const owner = (await seat('a1', 'spatial', { dataspaceId: ds })) as SdkRoom<unknown, SpatialState>;
    const guest = (await seat('b1', 'spatial', { dataspaceId: ds })) as SdkRoom<unknown, SpatialState>;
    await untilState(owner, (s) => s.avatars.get(guest.sessionId)?.role === 'participant');
    await revokeElevation(h.sql, write);
    await untilState(owner, (s) => s.avatars.get(guest.sessionId)?.role === 'viewer');
    const refused = nextMessage<RealtimeErrorMessage>(guest, 'error');
    guest.send('placeObject', { kind: 'note', p: [0, 1, 0], q: [0, 0, 0, 1], s: [1, 1, 1] });
    expect(await refused).toMatchObject({ code: 'forbidden', type: 'placeObject' });
    expect(owner.state.objects.size).toBe(0);
    await Promise.all([guest.leave(), owner.leave()]);
  });

  it('evicts a deleted identity from the rooms it sat in, its own presence channel included', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Identité supprimée');
    await grantElevation(h.sql, 'b2', 'a1', ds, 'write');
    const spatial = await seat('b2', 'spatial', { dataspaceId: ds });
    const presence = await seat('b2', 'presence', { identityId: CAST.b2 });
    let deletedAt = 0;
    const left = [
      evicted(spatial, 'deleted identity, spatial', () => deletedAt),
      evicted(presence, 'deleted identity, presence', () => deletedAt),
    ];
    await h.sql`delete from public.identities where id = ${CAST.b2}`;
    deletedAt = Date.now();
    for (const l of await Promise.all(left)) expect(l.code).toBe(ROOM_CLOSE.accessEnded);
  });

  it('evicts everyone, owner included, from an archived dataspace’s room and a cancelled meeting’s', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Archivé');
    const mt = await createMeeting(h.sql, 'a1', ds);
    const spatial = await seat('a1', 'spatial', { dataspaceId: ds });
    const meeting = await seat('a1', 'meeting', { meetingId: mt });
    let at = 0;
    const left = [
      evicted(spatial, 'archived dataspace, spatial (owner)', () => at),
      evicted(meeting, 'cancelled meeting, meeting (owner)', () => at),
    ];
    await h.sql`update public.meetings set status = 'cancelled' where id = ${mt}`;
    await h.sql`update public.dataspaces set archived_at = now() where id = ${ds}`;
    at = Date.now();
    for (const l of await Promise.all(left)) expect(l.code).toBe(ROOM_CLOSE.accessEnded);
  });

  it('evicts a seat whose access token expires, with its own code', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Jeton court');
    const token = await mintToken('a1', { expiresInSeconds: 2 });
    const { exp } = decodeJwt(token);
    const guest = await seat('a1', 'spatial', { dataspaceId: ds }, token);
    const left = await evicted(guest, 'expired access token, spatial', () => exp! * 1000);
    expect(left).toEqual({
      code: ROOM_CLOSE.tokenExpired,
      reason: 'realtime: your access token expired; refresh the session and join again',
    });
  });
});
