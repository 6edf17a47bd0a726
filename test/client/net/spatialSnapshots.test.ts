import { SchemaSerializer, type Client } from '@colyseus/core';
import { Decoder, StateView } from '@colyseus/schema';
import { describe, expect, it } from 'vitest';
import {
  anchorLabelFor,
  avatarSnapshot,
  clientKind,
  hasFinitePose,
  composePose,
  isNear,
  objectIdOfAnchorLabel,
  objectSnapshot,
  partPose,
  refusalOf,
} from '../../../client/net/spatialSnapshots.ts';
import { NEAR_RADIUS_M, ROOM_HALF_EXTENT_M } from '../../../shared/protocol/limits.ts';
import { spatialClientSchemas } from '../../../shared/protocol/spatialProtocol.ts';
import { Anchor, Avatar, SpatialObject, SpatialState } from '../../../shared/schema/SpatialState.ts';

const pose = (x: number, y = 0, z = 0) => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });

describe('spatialSnapshots', () => {
  it('maps room kinds to drawn kinds and leaves models out', () => {
    expect(clientKind('thread_panel')).toBe('thread-panel');
    expect(clientKind('memory_card')).toBe('memory-card');
    expect(clientKind('model')).toBeNull();
  });

  it('builds pose payloads the room schema accepts, even from out-of-range input', () => {
    const wild = { x: 1e6, y: -1e6, z: Number.NaN, qx: 3, qy: 0, qz: 0, qw: 4 };
    const p = partPose(wild);
    expect(p.slice(0, 3)).toEqual([ROOM_HALF_EXTENT_M, -ROOM_HALF_EXTENT_M, 0]);
    expect(Math.hypot(...p.slice(3))).toBeCloseTo(1, 6);
    const parsed = spatialClientSchemas.pose.safeParse({ h: p, l: p, r: partPose(pose(0)) });
    expect(parsed.success).toBe(true);
    expect(partPose({ ...pose(0), qw: 0 }).slice(3)).toEqual([0, 0, 0, 1]);
  });

  it('reads full-rate fields of near avatars and the coarse copy of far ones', () => {
    const self = new Avatar();
    const other = new Avatar();
    other.sessionId = 's2';
    other.displayName = 'Bob';
    other.color = '#123456';
    other.hx = 1.5;
    other.coarse.hx = 1.25;
    expect(isNear(self, other)).toBe(true);
    expect(avatarSnapshot(other, true).head.x).toBeCloseTo(1.5, 3);
    expect(avatarSnapshot(other, false).head.x).toBeCloseTo(1.25, 3);
    other.coarse.hx = NEAR_RADIUS_M;
    expect(isNear(self, other)).toBe(false);
    expect(isNear(undefined, other)).toBe(false);
    expect(avatarSnapshot(other, false)).toMatchObject({ id: 's2', displayName: 'Bob', color: '#123456' });
  });

  it('draws an avatar held without its full-rate pose from its coarse copy, never from a missing field', () => {
    // what a client decodes of an avatar its state view does not hold: real encoder, real decoder
    const state = new SpatialState();
    const bob = new Avatar();
    bob.sessionId = 's2';
    [bob.hx, bob.hy, bob.hz, bob.lx] = [1.5, 1.6, 0, 1.2];
    [bob.coarse.hx, bob.coarse.hy, bob.coarse.hz] = [1.25, 1.6, 0];
    state.avatars.set('s2', bob);
    const serializer = new SchemaSerializer<SpatialState>();
    serializer.reset(state);
    const client = { sessionId: 's1', view: new StateView() } as unknown as Client;
    const decoded = new SpatialState();
    new Decoder(decoded).decode(serializer.getFullState(client), { offset: 1 });
    const held = decoded.avatars.get('s2')!;
    expect(held.hx).toBeUndefined();
    expect(hasFinitePose(held)).toBe(false);
    const self = new Avatar();
    [self.hx, self.hy, self.hz] = [0, 1.6, 0];
    expect(isNear(self, held)).toBe(true);
    const snap = avatarSnapshot(held, true);
    expect(snap.head).toEqual({
      x: expect.closeTo(1.25, 3),
      y: expect.closeTo(1.6, 3),
      z: 0,
      qx: 0,
      qy: 0,
      qz: 0,
      qw: 1,
    });
    for (const p of [snap.head, snap.left, snap.right]) {
      for (const v of Object.values(p)) expect(Number.isFinite(v)).toBe(true);
    }
    expect(snap.joints).toBe('');
  });

  it('resolves an anchored object into room space and maps its lock', () => {
    const anchor = new Anchor();
    anchor.id = 'a';
    anchor.px = 2;
    // 90° about y: local +x becomes -z
    anchor.qy = Math.SQRT1_2;
    anchor.qw = Math.SQRT1_2;
    const o = new SpatialObject();
    o.id = 'o';
    o.kind = 'note';
    o.anchorId = 'a';
    o.px = 1;
    o.sx = 2;
    const snap = objectSnapshot(o, anchor)!;
    expect(snap.pose.x).toBeCloseTo(2, 5);
    expect(snap.pose.z).toBeCloseTo(-1, 5);
    expect(snap.pose.qy).toBeCloseTo(Math.SQRT1_2, 5);
    expect(snap).toMatchObject({ kind: 'note', scale: 2, heldBy: null, anchorId: 'a' });
    o.lockedBy = 'session-1';
    o.anchorId = '';
    expect(objectSnapshot(o, undefined)).toMatchObject({
      heldBy: 'session-1',
      anchorId: null,
      pose: pose(1),
    });
  });

  it('composes with the identity as a no-op', () => {
    const p = { x: 1, y: 2, z: 3, qx: 0, qy: 0, qz: Math.SQRT1_2, qw: Math.SQRT1_2 };
    expect(composePose(pose(0), p)).toEqual(p);
  });

  it('round-trips the anchor label of an object and maps refusal codes', () => {
    expect(objectIdOfAnchorLabel(anchorLabelFor('x-1'))).toBe('x-1');
    expect(objectIdOfAnchorLabel('entrance')).toBeNull();
    expect(refusalOf('lock_held')).toBe('locked');
    expect(refusalOf('forbidden')).toBe('permission');
    expect(refusalOf('not_found')).toBe('not-found');
    expect(refusalOf('rate_limited')).toBe('rate-limited');
    expect(refusalOf('invalid_message')).toBe('invalid');
  });
});
