/**
 * A SpatialRoom's interest ('auto', as production runs it) with real Colyseus clients over
 * WebSockets: people join at different times, walk, teleport, leave, and the room switches between
 * per-client views and shared cell views because of who stands where (two people in one
 * INTEREST_CELL_M cell make shared cells cheaper; standing apart makes per-client views cheaper).
 *
 * After every patch each client's decoded state is checked against what a client relies on: every
 * avatar's coarse pose is finite; an avatar whose coarse head is within NEAR_RADIUS_M of the
 * client's own coarse head is held at full rate (its head and hands are all there and finite, never
 * missing: a client reading a missing field draws and pans at NaN); an avatar's full-rate fields are
 * there all together or not at all. At each stop every client sees every other's head and hands
 * exactly where they were sent.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NEAR_RADIUS_M, ROOM_HALF_EXTENT_M } from '../../shared/protocol/limits.ts';
import { POSE_KEYS, type Avatar, type SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from './realtimeHarness.ts';

type Room = SdkRoom<unknown, SpatialState>;
type Sent = { h: number[]; l: number[]; r: number[]; t: number };

let h: Harness;
let dataspaceId: string;
/** The room's interest mode as it logs its switches ('per-client' until the first). */
let mode = 'per-client';
const switches: string[] = [];
beforeAll(async () => {
  h = await startHarness({ interest: 'auto' }, (event, fields) => {
    if (event !== 'room.interest') return;
    mode = String(fields?.mode);
    switches.push(mode);
  });
  dataspaceId = await createDataspace(h.sql, 'a1');
  await grantElevation(h.sql, 'b1', 'a1', dataspaceId, 'write');
  await grantElevation(h.sql, 'b2', 'a1', dataspaceId, 'write');
});
afterAll(() => h.stop());

/** One quantisation step of a position (16 bits over the room), and of a quaternion part. */
const POS_STEP = (2 * ROOM_HALF_EXTENT_M) / 65535;
const ROT_STEP = 2 / 65535;

const rooms = new Set<Room>();
/** What the clients got wrong after some patch (checked at every stop; empty when all is well). */
const violations: string[] = [];

function fullRateState(a: Avatar): 'all' | 'none' | 'partial' | 'non-finite' {
  const values = [...POSE_KEYS.map((k) => a[k]), a.echo] as (number | undefined)[];
  const present = values.filter((v) => v !== undefined);
  if (present.length === 0) return 'none';
  if (present.length !== values.length) return 'partial';
  return present.every((v) => Number.isFinite(v)) ? 'all' : 'non-finite';
}

/** The invariant a client relies on, checked on `room`'s state as a patch leaves it. */
function check(room: Room, label: string): void {
  const s = room.state;
  const self = s.avatars.get(room.sessionId);
  s.avatars.forEach((a, id) => {
    const coarse = POSE_KEYS.map((k) => a.coarse?.[k]);
    if (!coarse.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      violations.push(`${label}: ${id}'s coarse pose is not finite: ${coarse.join(',')}`);
    }
    const full = fullRateState(a);
    if (full === 'partial' || full === 'non-finite') {
      violations.push(`${label}: ${id}'s full-rate pose is ${full}`);
    }
    if (!self?.coarse || id === room.sessionId) return;
    const d = Math.hypot(
      a.coarse.hx - self.coarse.hx,
      a.coarse.hy - self.coarse.hy,
      a.coarse.hz - self.coarse.hz,
    );
    // a margin of quantisation steps: exactly at the radius either answer is right
    if (d <= NEAR_RADIUS_M - 0.01 && full !== 'all') {
      violations.push(
        `${label} (${mode}): ${id} is ${d.toFixed(2)} m away but its full-rate pose is ${full}`,
      );
    }
  });
}

async function join(p: Persona, label: string): Promise<Room> {
  const room = await (await clientAs(h, p)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
  rooms.add(room);
  room.onStateChange(() => check(room, label));
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  check(room, label);
  return room;
}

async function leave(room: Room): Promise<void> {
  rooms.delete(room);
  await room.leave();
}

const sent = new Map<string, Sent>();
let stamp = 0;

/** Sends `room`'s avatar to (x, z) with its hands beside it, turned by `yaw`; waits for its echo. */
async function walk(room: Room, x: number, z: number, yaw = 0): Promise<void> {
  const [qy, qw] = [Math.sin(yaw / 2), Math.cos(yaw / 2)];
  stamp += 1;
  const pose: Sent = {
    h: [x, 1.6, z, 0, qy, 0, qw],
    l: [x - 0.25, 1.1, z + 0.1, 0.1, 0, 0, Math.sqrt(1 - 0.01)],
    r: [x + 0.25, 1.2, z - 0.1, 0, 0, 0.1, Math.sqrt(1 - 0.01)],
    t: stamp,
  };
  sent.set(room.sessionId, pose);
  room.send('pose', pose);
  await untilState(room, (s) => s.avatars.get(room.sessionId)?.echo === pose.t);
}

/**
 * Every client holds every other's last pose: within NEAR_RADIUS_M exactly (within a quantisation
 * step) at full rate, head and hands; far beyond it, at its coarse place without the full-rate pose.
 */
async function everyoneSeesEveryone(): Promise<void> {
  const all = [...rooms];
  for (const viewer of all) {
    const me = sent.get(viewer.sessionId)!;
    for (const other of all) {
      if (other === viewer) continue;
      const pose = sent.get(other.sessionId)!;
      const d = Math.hypot(pose.h[0]! - me.h[0]!, pose.h[1]! - me.h[1]!, pose.h[2]! - me.h[2]!);
      const near = d <= NEAR_RADIUS_M;
      // the full-rate pose arrives with the patch; the coarse one within a slice
      await untilState(viewer, (s) => {
        const a = s.avatars.get(other.sessionId);
        return (
          !!a?.coarse &&
          Math.abs(a.coarse.hx - pose.h[0]!) < POS_STEP &&
          Math.abs(a.coarse.hz - pose.h[2]!) < POS_STEP &&
          (!near || a.echo === pose.t)
        );
      });
      const a = viewer.state.avatars.get(other.sessionId)!;
      if (!near) {
        if (d > 2 * NEAR_RADIUS_M) expect(fullRateState(a)).toBe('none');
        continue;
      }
      const parts = { h: pose.h, l: pose.l, r: pose.r } as const;
      for (const [part, values] of Object.entries(parts)) {
        const got = ['x', 'y', 'z', 'qx', 'qy', 'qz', 'qw'].map(
          (k) => (a as unknown as Record<string, number>)[`${part}${k}`]!,
        );
        got.forEach((v, i) => {
          expect(Number.isFinite(v), `${part}${i} of ${other.sessionId} on ${viewer.sessionId}`).toBe(true);
          expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(i < 3 ? POS_STEP : ROT_STEP);
        });
      }
    }
  }
  expect(violations).toEqual([]);
}

/** Waits until the room's interest is in `want` (it looks at the occupancy once a second). */
function until(want: 'per-client' | 'cells'): Promise<void> {
  return vi.waitFor(() => expect(mode).toBe(want), { timeout: 10_000, interval: 50 });
}

describe('interest across joins, leaves and mode switches (real clients)', () => {
  it('every client holds the full-rate pose of every avatar near it, from the patch that brings it', async () => {
    // Alice alone, then Bob joins beside her (per-client views)
    const alice = await join('a1', 'alice');
    await walk(alice, 0.2, 0.2);
    const bob = await join('b1', 'bob');
    await walk(bob, -2, 0.2, 0.4);
    await everyoneSeesEveryone();
    expect(mode).toBe('per-client');

    // Bob teleports out of reach and back (the voice test's walk), then next to her
    await walk(bob, -2 - 3 * NEAR_RADIUS_M, 0.2);
    await everyoneSeesEveryone();
    await walk(bob, 2, 0.2, -0.4);
    await everyoneSeesEveryone();

    // both in one cell: shared cells are cheaper, the room switches
    await walk(bob, 0.6, 0.5, 1);
    await until('cells');
    await everyoneSeesEveryone();

    // Carol joins during shared cells, where she stood last or at the origin, then walks in
    const carol = await join('b2', 'carol');
    await walk(carol, 1.5, -1);
    await everyoneSeesEveryone();
    await walk(carol, 0.7, 0.3);
    await everyoneSeesEveryone();

    // Alice leaves; Bob and Carol stand apart within reach: per-client views again
    await leave(alice);
    await walk(bob, -1.5, 0.2);
    await walk(carol, 1.5, 0.2);
    await until('per-client');
    await everyoneSeesEveryone();

    // a joiner after the switches, Carol teleporting away and back
    const alice2 = await join('a1', 'alice again');
    await walk(alice2, 0, 2);
    await walk(carol, 30, 0);
    await everyoneSeesEveryone();
    await walk(carol, 0.5, 1.5);
    await everyoneSeesEveryone();
    expect(switches).toEqual(['cells', 'per-client']);
    await Promise.all([...rooms].map((r) => leave(r)));
  }, 120_000);
});
