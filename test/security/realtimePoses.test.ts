/**
 * Door: the spatial room's `pose` message, the one every client's avatar and spatial audio read
 * (an AudioParam or a three.js transform fed NaN breaks a page every frame). Tried as Bob, a
 * participant of Alice's room, with what msgpack can carry and JSON cannot: NaN, ±Infinity, beside
 * out-of-range numbers, missing and extra parts, strings and nulls in a part, a negative or
 * fractional echo stamp. Each is refused with an `invalid_message` error to Bob alone; Alice keeps
 * Bob's last good pose, every field of it finite, full-rate and coarse; Bob's connection stays usable.
 * The room checks poses with a fast path first (shared/protocol/poseCheck.ts); each of these must
 * fall through it to the zod schema, which refuses it (test/realtime/poseCheck.test.ts checks the
 * fast path against the schema on random and hostile messages).
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOM_HALF_EXTENT_M } from '../../shared/protocol/limits.ts';
import type { RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import { POSE_KEYS, type SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from '../realtime/realtimeHarness.ts';

let h: Harness;
let ds: string;
let alice: SdkRoom<unknown, SpatialState>;
let bob: SdkRoom<unknown, SpatialState>;
const aliceErrors: RealtimeErrorMessage[] = [];

async function join(persona: Persona): Promise<SdkRoom<unknown, SpatialState>> {
  const room = await (await clientAs(h, persona)).joinOrCreate<SpatialState>('spatial', { dataspaceId: ds });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

beforeAll(async () => {
  // limits far above what is sent, so every refusal below is about the pose, never the pace
  const unlimited = { perSecond: 1e6, burst: 1e6 };
  h = await startHarness({ poseRate: unlimited, actionRate: unlimited });
  ds = await createDataspace(h.sql, 'a1', 'Salle des poses');
  await grantElevation(h.sql, 'b1', 'a1', ds, 'write');
  alice = await join('a1');
  bob = await join('b1');
  alice.onMessage('error', (e: RealtimeErrorMessage) => aliceErrors.push(e));
});
afterAll(async () => {
  await Promise.all([alice?.leave(), bob?.leave()]);
  await h.stop();
});

const part = (x: number) => [x, 1.6, 0, 0, 0, 0, 1];
const good = (x: number, t: number) => ({ h: part(x), l: part(x - 0.25), r: part(x + 0.25), t });

describe('the pose door (hostile)', () => {
  it('refuses non-finite, out-of-range and malformed poses; Alice keeps Bob whole and finite', async () => {
    alice.send('pose', good(0, 1));
    bob.send('pose', good(1.5, 1));
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)?.echo === 1);

    const hostile: [string, unknown][] = [
      ['NaN in the head', { ...good(0, 2), h: [Number.NaN, 1.6, 0, 0, 0, 0, 1] }],
      ['Infinity in a hand', { ...good(0, 2), l: [Number.POSITIVE_INFINITY, 1, 0, 0, 0, 0, 1] }],
      ['-Infinity in a rotation', { ...good(0, 2), r: [0, 1, 0, 0, 0, Number.NEGATIVE_INFINITY, 1] }],
      ['NaN in every part', { h: Array(7).fill(Number.NaN), l: part(0), r: part(0), t: 2 }],
      ['beyond the room', { ...good(0, 2), h: [ROOM_HALF_EXTENT_M * 2, 1.6, 0, 0, 0, 0, 1] }],
      ['a quaternion part beyond 1', { ...good(0, 2), h: [0, 1.6, 0, 0, 0, 0, 2] }],
      ['a part too short', { ...good(0, 2), h: [0, 1.6, 0] }],
      ['a part too long', { ...good(0, 2), h: [...part(0), 0] }],
      ['a missing hand', { h: part(0), l: part(0), t: 2 }],
      ['a string in a part', { ...good(0, 2), h: ['0', 1.6, 0, 0, 0, 0, 1] }],
      ['a null in a part', { ...good(0, 2), h: [null, 1.6, 0, 0, 0, 0, 1] }],
      ['a NaN echo stamp', { ...good(0, 2), t: Number.NaN }],
      ['a negative echo stamp', { ...good(0, 2), t: -1 }],
      ['a fractional echo stamp', { ...good(0, 2), t: 2.5 }],
      ['not an object', [1, 2, 3]],
    ];
    for (const [what, payload] of hostile) {
      const refused = nextMessage<RealtimeErrorMessage>(bob, 'error');
      bob.send('pose', payload);
      const e = await refused;
      expect(e.code, what).toBe('invalid_message');
      expect(e.type, what).toBe('pose');
    }

    // Bob's connection still carries his poses; Alice holds his last good one, every field finite
    bob.send('pose', good(2, 3));
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)?.echo === 3);
    await untilState(alice, (s) => Math.abs((s.avatars.get(bob.sessionId)?.coarse?.hx ?? 0) - 2) < 0.01);
    const seen = alice.state.avatars.get(bob.sessionId)!;
    for (const key of POSE_KEYS) {
      expect(Number.isFinite(seen[key]), key).toBe(true);
      expect(Number.isFinite(seen.coarse[key]), `coarse ${key}`).toBe(true);
    }
    expect(seen.hx).toBeCloseTo(2, 2);
    expect(aliceErrors).toEqual([]);
  });
});
