import { matchMaker } from '@colyseus/core';
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { INTEREST_CELL_M } from '../../server/realtime/CellInterest.ts';
import type { SpatialRoom } from '../../server/rooms/SpatialRoom.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from './realtimeHarness.ts';

let h: Harness;
let dataspaceId: string;
beforeAll(async () => {
  // this file is about shared cell views: the room is pinned to them (interestSwitch.test.ts covers 'auto')
  h = await startHarness({ interest: 'cells' });
  dataspaceId = await createDataspace(h.sql, 'a1');
  await grantElevation(h.sql, 'b1', 'a1', dataspaceId, 'write');
  await grantElevation(h.sql, 'b2', 'a1', dataspaceId, 'write');
});
afterAll(() => h.stop());

type Room = SdkRoom<unknown, SpatialState>;

const pose = (x: number, z: number, t: number, j?: number[]) => ({
  h: [x, 1.6, z, 0, 0, 0, 1],
  l: [x - 0.2, 1, z, 0, 0, 0, 1],
  r: [x + 0.2, 1, z, 0, 0, 0, 1],
  t,
  ...(j ? { j } : {}),
});

async function join(p: Persona): Promise<Room> {
  const room = await (await clientAs(h, p)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

/** Walks `room`'s avatar to (x, z), stamping `t`, and waits until the walker sees it. */
async function walk(room: Room, x: number, z: number, t: number, j?: number[]): Promise<void> {
  room.send('pose', pose(x, z, t, j));
  await untilState(room, (s) => s.avatars.get(room.sessionId)?.echo === t);
}

/** `viewer` holds `other`'s full-rate pose: its echo stamp, head position and hand joints. */
function seesNear(viewer: Room, other: Room, t: number, x: number, joints: string) {
  return untilState(viewer, (s) => {
    const a = s.avatars.get(other.sessionId);
    return !!a && a.echo === t && Math.abs(a.hx - x) < 0.01 && a.joints === joints;
  });
}

const encodedJoints = (j: number[]) => Buffer.from(Int16Array.from(j).buffer).toString('base64');

describe('SpatialRoom interest cells', () => {
  it('shares one view among the clients of a cell and hands a walker everything its new cell sees', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    await walk(alice, 0.2, 0.2, 1, [1, 2, 3]);
    await walk(bob, 0.6, 0.5, 2, [4, 5, 6]);
    const server = matchMaker.getLocalRoomById(alice.roomId) as unknown as SpatialRoom;
    // same cell (INTEREST_CELL_M): one view, encoded once per patch for both
    const viewsOf = (rooms: Room[]) => new Set(rooms.map((r) => server.clients.get(r.sessionId)!.view)).size;
    await vi.waitFor(() => expect(viewsOf([alice, bob])).toBe(1));
    expect(INTEREST_CELL_M).toBeLessThanOrEqual(1);
    await seesNear(alice, bob, 2, 0.6, encodedJoints([4, 5, 6]));
    await seesNear(bob, alice, 1, 0.2, encodedJoints([1, 2, 3]));

    // carol far away: neither side gets the other's full-rate pose
    const carol = await join('b2');
    await walk(carol, 30, 0, 3, [7, 8, 9]);
    await untilState(alice, (s) => Math.abs((s.avatars.get(carol.sessionId)?.coarse?.hx ?? 0) - 30) < 0.01);
    expect(alice.state.avatars.get(carol.sessionId)!.echo ?? 0).toBe(0);
    expect(alice.state.avatars.get(carol.sessionId)!.joints ?? '').toBe('');

    // carol walks over, crossing cells: she gets both of them whole (joints never re-sent), they get her
    for (const [x, t] of [
      [20, 4],
      [12, 5],
      [7.5, 6],
      [3.3, 7],
      [1.4, 8],
    ] as const) {
      await walk(carol, x, 0.4, t);
    }
    await seesNear(carol, alice, 1, 0.2, encodedJoints([1, 2, 3]));
    await seesNear(carol, bob, 2, 0.6, encodedJoints([4, 5, 6]));
    await seesNear(alice, carol, 8, 1.4, encodedJoints([7, 8, 9]));

    // carol steps into their cell: one view for the three
    await walk(carol, 0.9, 0.9, 9);
    await vi.waitFor(() => expect(viewsOf([alice, bob, carol])).toBe(1));
    // and the shared view still carries every change to each of them
    await walk(bob, 0.7, 0.3, 10, [11, 12, 13]);
    for (const viewer of [alice, carol]) await seesNear(viewer, bob, 10, 0.7, encodedJoints([11, 12, 13]));

    // a late joiner in the cell gets the near poses of all three from its first state
    const late = await join('a1');
    for (const other of [alice, bob, carol]) {
      const a = late.state.avatars.get(other.sessionId)!;
      expect(a.echo).toBeGreaterThan(0);
    }
    await Promise.all([alice, bob, carol, late].map((r) => r.leave()));
  });
});
