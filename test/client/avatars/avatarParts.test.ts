import { Euler, InstancedBufferAttribute, Matrix3, Matrix4, PerspectiveCamera, Quaternion } from 'three';
import { describe, expect, it } from 'vitest';
import { capacityFor, createAvatarParts, writeBodyFix } from '../../../client/avatars/createAvatarParts.ts';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import type { Pose } from '../../../client/state/RoomFeed.ts';
import { createRoomStore } from '../../../client/state/roomStore.ts';

const at = (x: number, y: number, z: number): Pose => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });
const HEIGHT_PX = 1000;

describe('createAvatarParts: culling and levels of detail', () => {
  it('draws heads, hands and indicators in view only, each at the coarsest level that looks the same', () => {
    const feed = createLocalRoomFeed('me');
    const store = createRoomStore();
    bindRoomFeed(feed, store);
    const put = (id: string, z: number) =>
      feed.putAvatar({
        id,
        identityId: `identity-${id}`,
        displayName: id,
        color: '#3366ff',
        speaking: true,
        head: at(0, 1.6, z),
        left: at(-0.25, 1.1, z),
        right: at(0.25, 1.1, z),
      });
    put('near', -2); // head ~50 px in radius on a 1000 px screen at 70°: the full sphere
    put('far', -50); // ~2 px: the coarsest sphere; hands under half a pixel thick: faces only
    put('behind', 5);
    const avatars = store.getState().avatars;
    const camera = new PerspectiveCamera(70, 1, 0.05, 200);
    camera.position.set(0, 1.4, 0);
    camera.updateProjectionMatrix();
    camera.updateMatrixWorld();
    const parts = createAvatarParts(capacityFor(avatars.length));
    parts.setMembers(avatars);
    parts.update(avatars, 0, camera, HEIGHT_PX);
    expect(parts.heads.map((m) => m.count)).toEqual([1, 0, 0, 1]);
    expect(parts.heads.map((m) => m.visible)).toEqual([true, false, false, true]);
    expect(parts.hands.map((m) => m.count)).toEqual([2, 2]);
    expect(parts.speaking.count).toBe(2);
    // tags of the avatars in view only, packed; each slot samples its avatar's atlas cell
    expect(parts.tags.count).toBe(2);
    expect([...parts.tagOccupants.subarray(0, 2)]).toEqual([0, 1]);
    const cell = new Float32Array(4);
    parts.atlas.uvFor(1, cell, 0);
    expect([...(parts.tags.geometry.getAttribute('tagUv').array as Float32Array).subarray(4, 8)]).toEqual([
      ...cell,
    ]);

    // the same room on a render target twice as high: the far head is ~4 px, the third level (up to
    // 9 px); eight times as high, ~16 px: the second (up to 20 px); sixteen times, ~32 px: the full one
    parts.update(avatars, 0, camera, HEIGHT_PX * 2);
    expect(parts.heads.map((m) => m.count)).toEqual([1, 0, 1, 0]);
    parts.update(avatars, 0, camera, HEIGHT_PX * 8);
    expect(parts.heads.map((m) => m.count)).toEqual([1, 1, 0, 0]);
    parts.update(avatars, 0, camera, HEIGHT_PX * 16);
    expect(parts.heads.map((m) => m.count)).toEqual([2, 0, 0, 0]);

    // turn around: only the one behind is in view
    camera.rotation.y = Math.PI;
    camera.updateMatrixWorld();
    parts.update(avatars, 0, camera, HEIGHT_PX);
    expect(parts.heads.reduce((n, m) => n + m.count, 0)).toBe(1);
    expect(parts.hands.reduce((n, m) => n + m.count, 0)).toBe(2);
    expect(parts.speaking.count).toBe(1);
    // the one behind now takes the first tag slot, with its own cell
    expect(parts.tags.count).toBe(1);
    expect(parts.tagOccupants[0]).toBe(2);
    parts.atlas.uvFor(2, cell, 0);
    expect([...(parts.tags.geometry.getAttribute('tagUv').array as Float32Array).subarray(0, 4)]).toEqual([
      ...cell,
    ]);
    parts.dispose();
  });
});

describe('the avatar people recognise', () => {
  it('is a head with a dark visor on its front and a torso below, one geometry per level', async () => {
    const { headLodGeometries, HEAD_RADIUS_M, headLodMaxRadiusPx } =
      await import('../../../client/avatars/avatarGeometry.ts');
    expect(HEAD_RADIUS_M).toBeLessThanOrEqual(0.13);
    for (const g of headLodGeometries) {
      const part = g.getAttribute('bodyPart');
      const color = g.getAttribute('color');
      const pos = g.getAttribute('position');
      let torso = 0;
      let visorFront = 0;
      let lowest = 0;
      for (let v = 0; v < pos.count; v++) {
        if (part.getX(v) > 0.5) torso++;
        lowest = Math.min(lowest, pos.getY(v));
        // the visor (dark) faces -z, the way the person looks
        if (color.getX(v) < 0.2) {
          expect(pos.getZ(v)).toBeLessThan(0);
          visorFront++;
        }
      }
      expect(torso).toBeGreaterThan(0);
      expect(visorFront).toBeGreaterThan(0);
      // the body hangs about half a metre below the eyes: a bust, never a screen-filling ball
      expect(lowest).toBeLessThan(-0.5);
      expect(lowest).toBeGreaterThan(-0.7);
    }
    expect(headLodMaxRadiusPx[0]).toBe(Infinity);
    for (let level = 2; level < headLodMaxRadiusPx.length; level++) {
      expect(headLodMaxRadiusPx[level - 1]!).toBeGreaterThan(headLodMaxRadiusPx[level]!);
    }
  });

  it('is not drawn at all when it comes within NEAR_HIDE_M of the viewer', async () => {
    const { NEAR_HIDE_M } = await import('../../../client/avatars/createAvatarParts.ts');
    const feed = createLocalRoomFeed('me');
    const store = createRoomStore();
    bindRoomFeed(feed, store);
    feed.putAvatar({
      id: 'close',
      identityId: 'i-close',
      displayName: 'Close',
      color: '#3366ff',
      speaking: true,
      head: at(0, 1.6, -(NEAR_HIDE_M - 0.1)),
      left: at(-0.25, 1.1, -0.3),
      right: at(0.25, 1.1, -0.3),
    });
    const avatars = store.getState().avatars;
    const camera = new PerspectiveCamera(70, 1, 0.05, 200);
    camera.position.set(0, 1.6, 0);
    camera.updateMatrixWorld();
    const parts = createAvatarParts(capacityFor(avatars.length));
    parts.setMembers(avatars);
    parts.update(avatars, 0, camera, HEIGHT_PX);
    expect(parts.heads.reduce((n, m) => n + m.count, 0)).toBe(0);
    expect(parts.hands.reduce((n, m) => n + m.count, 0)).toBe(0);
    expect(parts.speaking.count).toBe(0);
    // a step back: there again
    camera.position.z = 1;
    camera.updateMatrixWorld();
    parts.update(avatars, 0, camera, HEIGHT_PX);
    expect(parts.heads.reduce((n, m) => n + m.count, 0)).toBe(1);
    parts.dispose();
  });

  it('writes the name tag in white on dark identity colours and in ink on light ones', async () => {
    const { tagTextColor } = await import('../../../client/avatars/NameTagAtlas.ts');
    expect(tagTextColor('#1d3557')).toBe('#ffffff');
    expect(tagTextColor('#2456c7')).toBe('#ffffff');
    expect(tagTextColor('#f5d90a')).toBe('#17202e');
    expect(tagTextColor('#ffffff')).toBe('#17202e');
  });
});

describe('the torso under a nodding head', () => {
  it('keeps only the yaw of the head pose (the turn the shader applies before the head rotation)', () => {
    const fix = new InstancedBufferAttribute(new Float32Array(18), 9);
    const yawOnly = (yaw: number) => new Matrix3().setFromMatrix4(new Matrix4().makeRotationY(yaw));
    const cases: [Euler, number][] = [
      // looking ahead, turned: nothing to undo
      [new Euler(0, 0.7, 0, 'YXZ'), 0.7],
      // turned and nodding down with a tilt: the torso keeps the turn only
      [new Euler(-0.6, 0.7, 0.3, 'YXZ'), 0.7],
      // looking straight down: the head's up vector says where the body faces
      [new Euler(-Math.PI / 2, -1.2, 0, 'YXZ'), -1.2],
    ];
    for (const [euler, yaw] of cases) {
      const head = new Quaternion().setFromEuler(euler);
      writeBodyFix(fix, 1, head);
      const turn = new Matrix3().fromArray(fix.array as Float32Array, 9);
      const world = new Matrix3()
        .setFromMatrix4(new Matrix4().makeRotationFromQuaternion(head))
        .multiply(turn);
      const expected = yawOnly(yaw).elements;
      world.elements.forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    }
    // slot 0 untouched
    expect([...(fix.array as Float32Array).subarray(0, 9)]).toEqual(new Array(9).fill(0));
  });
});
