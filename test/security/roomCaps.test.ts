/**
 * Door: objects and anchors per spatial room are capped (room timings here, MAX_ROOM_OBJECTS and
 * MAX_ROOM_ANCHORS in production). A placement beyond the cap is refused to its sender with a
 * clear message; the room and the database keep everything they held, including rows stored
 * beyond the cap before it existed.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
} from '../realtime/realtimeHarness.ts';

const CAPS = { objects: 3, anchors: 2 };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ roomCaps: CAPS, writeBehindMs: 20 });
});
afterAll(() => h.stop());

async function join(dataspaceId: string): Promise<SdkRoom<unknown, SpatialState>> {
  const room = await (await clientAs(h, 'a1')).joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

const note = (x: number) => ({ kind: 'note', p: [x, 1, 0], q: [0, 0, 0, 1], s: [1, 1, 1] });

async function stored(dataspaceId: string): Promise<{ objects: number; anchors: number }> {
  const [row] = await h.sql<{ objects: number; anchors: number }[]>`
    select (select count(*)::int from public.spatial_objects o join public.xr_rooms r on r.id = o.room_id
             where r.dataspace_id = ${dataspaceId}) as objects,
           (select count(*)::int from public.spatial_anchors a join public.xr_rooms r on r.id = a.room_id
             where r.dataspace_id = ${dataspaceId}) as anchors`;
  return row!;
}

describe('spatial room caps', () => {
  it('refuses an object and an anchor beyond the caps, with a message, and keeps what it holds', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Salle pleine');
    const room = await join(ds);
    for (let i = 0; i < CAPS.objects; i += 1) room.send('placeObject', note(i));
    await untilState(room, (s) => s.objects.size === CAPS.objects);
    const refused = nextMessage<RealtimeErrorMessage>(room, 'error');
    room.send('placeObject', note(9));
    expect(await refused).toEqual({
      code: 'room_cap_reached',
      type: 'placeObject',
      message: `this room holds its maximum of ${CAPS.objects} objects; remove one before placing another`,
    });

    for (let i = 0; i < CAPS.anchors; i += 1)
      room.send('placeAnchor', { label: `ancre ${i}`, p: [i, 0, 0], q: [0, 0, 0, 1] });
    await untilState(room, (s) => s.anchors.size === CAPS.anchors);
    const refusedAnchor = nextMessage<RealtimeErrorMessage>(room, 'error');
    room.send('placeAnchor', { label: 'de trop', p: [5, 0, 0], q: [0, 0, 0, 1] });
    expect(await refusedAnchor).toMatchObject({ code: 'room_cap_reached', type: 'placeAnchor' });

    // removing one makes room for one
    const first = [...room.state.objects.keys()][0]!;
    room.send('removeObject', { objectId: first });
    await untilState(room, (s) => !s.objects.has(first));
    room.send('placeObject', note(7));
    await untilState(room, (s) => s.objects.size === CAPS.objects);
    await room.leave();
    // the room's write-behind flushed on dispose: exactly what it held, nothing refused
    await expect.poll(() => stored(ds)).toEqual({ objects: CAPS.objects, anchors: CAPS.anchors });
  });

  it('restores every stored object of a room already beyond the cap, and refuses new ones', async () => {
    const ds = await createDataspace(h.sql, 'a1', 'Salle ancienne');
    const [xr] = await h.sql<{ id: string }[]>`
      insert into public.xr_rooms (identity_id, dataspace_id, name, kind)
      values (${CAST.a1}, ${ds}, 'Salle ancienne', 'dataspace') returning id`;
    const beyond = CAPS.objects + 2;
    for (let i = 0; i < beyond; i += 1) {
      await h.sql`insert into public.spatial_objects (identity_id, room_id, kind, position, orientation, scale, data)
                  values (${CAST.a1}, ${xr!.id}, 'note', ${[i, 1, 0]}::real[], ${[0, 0, 0, 1]}::real[],
                          ${[1, 1, 1]}::real[], '{}'::jsonb)`;
    }
    const room = await join(ds);
    await untilState(room, (s) => s.objects.size === beyond);
    const refused = nextMessage<RealtimeErrorMessage>(room, 'error');
    room.send('placeObject', note(1));
    expect((await refused).code).toBe('room_cap_reached');
    await room.leave();
    expect((await stored(ds)).objects).toBe(beyond);
  });
});
