import { Euler, Quaternion, type Object3D } from 'three';

/** Time (ms) the teleport arc takes to swing to where the controller points, as @react-three/xr does. */
export const TELEPORT_AIM_SMOOTHING_MS = 100;

const _euler = new Euler(0, 0, 0, 'YXZ');
const _q = new Quaternion();

/**
 * Moves the teleport arc's group (a direct child of the scene) to the controller's target-ray space:
 * at its position, yawed with it, pitched 10° lower, never rolled, and swung towards it over
 * TELEPORT_AIM_SMOOTHING_MS. Same rule as @pmndrs/xr's `syncTeleportPointerRayGroup`, except that the
 * swing never goes past the target: the library slerps by `dtMs / 100`, which extrapolates beyond the
 * controller on a frame longer than 100 ms and swings ever wider past 200 ms (slow software rendering,
 * a frame hitch), teleporting the user somewhere they did not point. Allocation-free.
 */
export function followTeleportAim(space: Object3D, rayGroup: Object3D, dtMs: number): void {
  space.updateWorldMatrix(true, false);
  space.matrixWorld.decompose(rayGroup.position, _q, rayGroup.scale);
  _euler.setFromQuaternion(_q);
  _euler.z = 0;
  _euler.x = Math.min(Math.max(_euler.x - (10 * Math.PI) / 180, -Math.PI / 2), (1.1 * Math.PI) / 4);
  _q.setFromEuler(_euler);
  rayGroup.quaternion.slerp(_q, Math.min(Math.max(dtMs, 0) / TELEPORT_AIM_SMOOTHING_MS, 1));
}
