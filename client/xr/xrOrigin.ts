import { Quaternion, Vector3, type Object3D } from 'three';

/**
 * The XR origin (rig) moves the user through the room: its local space is the session's reference
 * space (local-floor), so the viewer's room pose is origin ∘ viewer pose. These rules keep the VIEWER
 * (not the rig's corner) where the user means to be: entering XR at the desktop spot and heading,
 * teleporting the head onto the pointed floor spot, snap-turning about the head, walking level.
 * Pure three math, no allocation.
 */

interface XYZ {
  readonly x: number;
  readonly y: number;
  readonly z: number;
}
interface XYZW extends XYZ {
  readonly w: number;
}

const _v = new Vector3();
const _q = new Quaternion();
const _s = new Vector3();

/** Heading of a rotation about +y in the locomotion convention: 0 looks down -z, positive turns left. */
export function yawOf(q: XYZW): number {
  _v.set(0, 0, -1).applyQuaternion(_q.set(q.x, q.y, q.z, q.w));
  return Math.atan2(-_v.x, -_v.z);
}

/**
 * Places `origin` so that the viewer, at `head` / `headQuat` in the origin's space, stands at (x, z)
 * of the room (feet at height y) facing `yaw`: entering XR keeps the user where the desktop view was.
 */
export function placeOriginAt(
  origin: Object3D,
  head: XYZ,
  headQuat: XYZW,
  x: number,
  y: number,
  z: number,
  yaw: number,
): void {
  const turn = yaw - yawOf(headQuat);
  origin.rotation.set(0, turn, 0);
  const c = Math.cos(turn);
  const s = Math.sin(turn);
  // the head's horizontal offset inside the rig, turned with it (rotation about +y)
  origin.position.set(x - (head.x * c + head.z * s), y, z - (-head.x * s + head.z * c));
  origin.updateMatrixWorld();
}

/** The viewer's room pose from its pose in the origin's space (origin's world matrix must be current). */
export function viewerInRoom(
  origin: Object3D,
  head: XYZ,
  headQuat: XYZW,
  outPosition: Vector3,
  outQuaternion: Quaternion,
): void {
  origin.matrixWorld.decompose(_v, outQuaternion, _s);
  outQuaternion.multiply(_q.set(headQuat.x, headQuat.y, headQuat.z, headQuat.w));
  outPosition.set(head.x, head.y, head.z).applyMatrix4(origin.matrixWorld);
}

/** Teleport: moves the rig so the viewer's head ends right above `target` (a floor point). */
export function teleportOrigin(origin: Object3D, headInRoom: XYZ, target: XYZ): void {
  origin.position.x += target.x - headInRoom.x;
  origin.position.z += target.z - headInRoom.z;
  origin.updateMatrixWorld();
}

/** Snap turn by `radians` about the vertical through the viewer's head, so the user turns in place. */
export function turnOriginAbout(origin: Object3D, headInRoom: XYZ, radians: number): void {
  const dx = origin.position.x - headInRoom.x;
  const dz = origin.position.z - headInRoom.z;
  const c = Math.cos(radians);
  const s = Math.sin(radians);
  origin.position.x = headInRoom.x + dx * c + dz * s;
  origin.position.z = headInRoom.z - dx * s + dz * c;
  origin.rotation.y += radians;
  origin.updateMatrixWorld();
}

/**
 * Walk: `velocity` is the stick's velocity turned by the view (m/s, may point up or down when the
 * user looks up or down); the rig moves level, at the full speed, for `dtS` seconds.
 */
export function walkOrigin(origin: Object3D, velocity: XYZ, dtS: number): void {
  const level = Math.hypot(velocity.x, velocity.z);
  if (level < 1e-6) return;
  const k = (Math.hypot(velocity.x, velocity.y, velocity.z) / level) * Math.min(dtS, 0.1);
  origin.position.x += velocity.x * k;
  origin.position.z += velocity.z * k;
  origin.updateMatrixWorld();
}

const _inv = new Quaternion();

/**
 * Registers the room to the real world through one anchor: moves `origin` so that the anchor, at
 * `local` / `localQuat` in the origin's space (the session's reference space), lands on its room pose
 * `room` / `roomQuat`. The rig stays level: only the heading between the two is kept.
 */
export function alignOriginTo(
  origin: Object3D,
  local: XYZ,
  localQuat: XYZW,
  room: XYZ,
  roomQuat: XYZW,
): void {
  _inv.set(localQuat.x, localQuat.y, localQuat.z, localQuat.w).invert();
  const turn = yawOf(_q.set(roomQuat.x, roomQuat.y, roomQuat.z, roomQuat.w).multiply(_inv));
  const c = Math.cos(turn);
  const s = Math.sin(turn);
  origin.rotation.set(0, turn, 0);
  origin.position.set(
    room.x - (local.x * c + local.z * s),
    room.y - local.y,
    room.z - (-local.x * s + local.z * c),
  );
  origin.updateMatrixWorld();
}
