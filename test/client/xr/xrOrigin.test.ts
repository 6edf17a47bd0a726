import { Group, Quaternion, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import {
  alignOriginTo,
  placeOriginAt,
  teleportOrigin,
  turnOriginAbout,
  viewerInRoom,
  walkOrigin,
  yawOf,
} from '../../../client/xr/xrOrigin.ts';

const up = new Vector3(0, 1, 0);
const yawQ = (r: number) => new Quaternion().setFromAxisAngle(up, r);
const viewer = (origin: Group, head: Vector3, q: Quaternion) => {
  const p = new Vector3();
  const out = new Quaternion();
  viewerInRoom(origin, head, q, p, out);
  return { p, yaw: yawOf(out) };
};

describe('XR origin rules', () => {
  it('reads headings in the locomotion convention', () => {
    expect(yawOf(yawQ(0.7))).toBeCloseTo(0.7, 9);
    expect(yawOf(yawQ(-2.5))).toBeCloseTo(-2.5, 9);
  });

  it('enters XR with the viewer at the desktop spot and heading, wherever the headset is in its space', () => {
    const origin = new Group();
    const head = new Vector3(0.4, 1.7, -0.3); // the user stands off the play-space centre
    const headQ = yawQ(1.1); // and looks sideways in it
    placeOriginAt(origin, head, headQ, 2, 0, 5, -0.6);
    const v = viewer(origin, head, headQ);
    expect(v.p.x).toBeCloseTo(2, 9);
    expect(v.p.z).toBeCloseTo(5, 9);
    expect(v.p.y).toBeCloseTo(1.7, 9);
    expect(v.yaw).toBeCloseTo(-0.6, 9);
  });

  it('teleports the head (not the rig corner) onto the target, turned rig included', () => {
    const origin = new Group();
    const head = new Vector3(0.5, 1.6, 0.2);
    placeOriginAt(origin, head, yawQ(0), 1, 0, 1, 0.8);
    const before = viewer(origin, head, yawQ(0));
    teleportOrigin(origin, before.p, new Vector3(-3, 0, 2));
    const after = viewer(origin, head, yawQ(0));
    expect(after.p.x).toBeCloseTo(-3, 9);
    expect(after.p.z).toBeCloseTo(2, 9);
    expect(after.yaw).toBeCloseTo(before.yaw, 9);
  });

  it('snap-turns about the head: it turns by exactly the step and stays where it is', () => {
    const origin = new Group();
    const head = new Vector3(0.6, 1.6, -0.4);
    placeOriginAt(origin, head, yawQ(0), 3, 0, -1, 0.2);
    const before = viewer(origin, head, yawQ(0));
    turnOriginAbout(origin, before.p, -Math.PI / 6);
    const after = viewer(origin, head, yawQ(0));
    expect(after.p.distanceTo(before.p)).toBeLessThan(1e-9);
    expect(after.yaw).toBeCloseTo(0.2 - Math.PI / 6, 9);
  });

  it('walks level at the full speed even when the view (and so the velocity) points down', () => {
    const origin = new Group();
    const velocity = new Vector3(0, 0, -1.8).applyAxisAngle(new Vector3(1, 0, 0), -0.5); // looking down
    walkOrigin(origin, velocity, 0.05);
    expect(origin.position.y).toBe(0);
    expect(Math.hypot(origin.position.x, origin.position.z)).toBeCloseTo(1.8 * 0.05, 9);
    expect(origin.position.z).toBeLessThan(0);
  });

  it('registers the room to the world through an anchor: the anchor lands on its room pose, the rig level', () => {
    // session 1 set the anchor down at room (2, 0, -3) facing 0.4 rad; session 2 finds it in its own
    // space at (-1, 0, 0.5), facing -0.9 rad (the user entered elsewhere, turned otherwise)
    const origin = new Group();
    placeOriginAt(origin, new Vector3(0, 1.6, 0), yawQ(0), 7, 0, 7, 1.2);
    const local = new Vector3(-1, 0, 0.5);
    const localQ = yawQ(-0.9);
    const room = new Vector3(2, 0, -3);
    alignOriginTo(origin, local, localQ, room, yawQ(0.4));
    const seen = local.clone().applyMatrix4(origin.matrixWorld);
    expect(seen.distanceTo(room)).toBeLessThan(1e-9);
    const q = new Quaternion();
    origin.getWorldQuaternion(q);
    expect(yawOf(q.multiply(localQ))).toBeCloseTo(0.4, 9);
    expect(origin.rotation.x).toBe(0);
    expect(origin.rotation.z).toBe(0);
  });
});
