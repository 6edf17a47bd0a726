import { Group, Quaternion, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { followTeleportAim } from '../../../client/xr/teleportAim.ts';

/** A controller space yawed by `yaw` (rad), at (1, 1.2, -2), and a fresh arc group pointing down -z. */
function rig(yaw: number) {
  const space = new Group();
  space.position.set(1, 1.2, -2);
  space.quaternion.setFromAxisAngle(new Vector3(0, 1, 0), yaw);
  space.updateMatrixWorld();
  return { space, arc: new Group() };
}
const aimOf = (arc: Group) => new Vector3(0, 0, -1).applyQuaternion(arc.quaternion);
const yawOf = (v: Vector3) => Math.atan2(-v.x, -v.z);
/** Where the arc ends up when it has fully swung to the controller: yawed with it, pitched 10° down. */
const settled = (yaw: number) =>
  new Quaternion()
    .setFromAxisAngle(new Vector3(0, 1, 0), yaw)
    .multiply(new Quaternion().setFromAxisAngle(new Vector3(1, 0, 0), (-10 * Math.PI) / 180));

describe('followTeleportAim', () => {
  it('sits on the controller and swings towards it over 100 ms', () => {
    const { space, arc } = rig(1);
    followTeleportAim(space, arc, 50);
    expect(arc.position.toArray()).toEqual([1, expect.closeTo(1.2, 6), -2]);
    expect(yawOf(aimOf(arc))).toBeCloseTo(0.5, 2); // half way after half the smoothing time
    followTeleportAim(space, arc, 100);
    expect(arc.quaternion.angleTo(settled(1))).toBeLessThan(1e-6);
  });

  it('never swings past the controller on long frames (the library extrapolates there)', () => {
    for (const dtMs of [150, 250, 1000]) {
      const { space, arc } = rig(1);
      followTeleportAim(space, arc, dtMs);
      expect(arc.quaternion.angleTo(settled(1))).toBeLessThan(1e-6);
      // the library's own rule, slerp by dt / 100, lands elsewhere: 1.5x, 2.5x, 10x the swing
      const library = new Quaternion().slerp(settled(1), dtMs / 100);
      expect(library.angleTo(settled(1))).toBeGreaterThan(0.4);
    }
  });
});
