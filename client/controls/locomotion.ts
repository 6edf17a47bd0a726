import { Euler, Vector3, type Camera } from 'three';

export const WALK_SPEED_MPS = 1.8;
export const EYE_HEIGHT_M = 1.6;
export const LOOK_RADIANS_PER_PX = 0.004;
const MAX_PITCH_RAD = Math.PI / 2 - 0.05;

/**
 * Where the local participant stands and looks outside XR. Input modules write intents
 * (`forward`, `right` in [-1, 1], yaw/pitch deltas); `applyLocomotion` turns them into the camera pose
 * each frame. In XR the same `position` places the XR origin, so the room is the same in every mode.
 */
export interface Locomotion {
  readonly position: Vector3;
  yaw: number;
  pitch: number;
  forward: number;
  right: number;
}

export function createLocomotion(x = 0, z = 4): Locomotion {
  return { position: new Vector3(x, 0, z), yaw: 0, pitch: 0, forward: 0, right: 0 };
}

export function turn(loc: Locomotion, dxPx: number, dyPx: number): void {
  loc.yaw -= dxPx * LOOK_RADIANS_PER_PX;
  loc.pitch = Math.max(-MAX_PITCH_RAD, Math.min(MAX_PITCH_RAD, loc.pitch - dyPx * LOOK_RADIANS_PER_PX));
}

const _euler = new Euler(0, 0, 0, 'YXZ');

/** Moves by the current intents over `dtS` seconds and places `camera` at eye height. Allocation-free. */
export function applyLocomotion(loc: Locomotion, camera: Camera, dtS: number): void {
  const length = Math.hypot(loc.forward, loc.right);
  if (length > 0) {
    const step = (WALK_SPEED_MPS * Math.min(dtS, 0.1)) / Math.max(1, length);
    const sin = Math.sin(loc.yaw);
    const cos = Math.cos(loc.yaw);
    // yaw 0 looks down -z; forward is -z, right is +x
    loc.position.x += (-sin * loc.forward + cos * loc.right) * step;
    loc.position.z += (-cos * loc.forward - sin * loc.right) * step;
  }
  camera.position.set(loc.position.x, loc.position.y + EYE_HEIGHT_M, loc.position.z);
  camera.quaternion.setFromEuler(_euler.set(loc.pitch, loc.yaw, 0, 'YXZ'));
}
