import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEAR_RADIUS_M } from '../../shared/protocol/limits.ts';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  startHarness,
  untilState,
  type Harness,
} from './realtimeHarness.ts';

let h: Harness;
let dataspaceId: string;
beforeAll(async () => {
  h = await startHarness();
  dataspaceId = await createDataspace(h.sql, 'a1');
  await grantElevation(h.sql, 'b1', 'a1', dataspaceId, 'write');
});
afterAll(() => h.stop());

const at = (x: number, y = 1.6) => ({
  h: [x, y, 0, 0, 0, 0, 1],
  l: [x - 0.2, 1, 0.2, 0, 0, 0, 1],
  r: [x + 0.2, 1, 0.2, 0, 0, 0, 1],
});

describe('SpatialRoom interest management (state views)', () => {
  it('sends a far avatar only through its coarse pose, and its full-rate pose once it comes near', async () => {
    const join = async (p: 'a1' | 'b1') => {
      const room = await (await clientAs(h, p)).joinOrCreate<SpatialState>('spatial', { dataspaceId });
      await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
      return room;
    };
    const alice: SdkRoom<unknown, SpatialState> = await join('a1');
    const bob = await join('b1');
    alice.send('pose', at(0));
    const far = NEAR_RADIUS_M * 3;
    bob.send('pose', { ...at(far), t: 1, j: [10, -20, 30] });
    // bob sees his own full-rate pose (echo) while alice only gets the coarse copy
    await untilState(bob, (s) => s.avatars.get(bob.sessionId)?.echo === 1);
    await untilState(alice, (s) => Math.abs((s.avatars.get(bob.sessionId)?.coarse?.hx ?? 0) - far) < 0.01);
    bob.send('pose', { ...at(far, 1.7), t: 2 });
    await untilState(bob, (s) => s.avatars.get(bob.sessionId)?.echo === 2);
    await untilState(alice, (s) => Math.abs((s.avatars.get(bob.sessionId)?.coarse?.hy ?? 0) - 1.7) < 0.01);
    const seen = alice.state.avatars.get(bob.sessionId)!;
    expect(seen.hx).not.toBeCloseTo(far, 1);
    expect(seen.echo ?? 0).toBe(0);
    expect(seen.joints ?? '').toBe('');

    bob.send('pose', { ...at(2), t: 3 });
    await untilState(alice, (s) => s.avatars.get(bob.sessionId)?.echo === 3);
    expect(alice.state.avatars.get(bob.sessionId)!.hx).toBeCloseTo(2, 2);
    // the compressed hand joints sent while far arrive with the near view
    const joints = Buffer.from(alice.state.avatars.get(bob.sessionId)!.joints, 'base64');
    expect([...new Int16Array(joints.buffer, joints.byteOffset, joints.length / 2)]).toEqual([10, -20, 30]);
    await Promise.all([alice.leave(), bob.leave()]);
  });
});
