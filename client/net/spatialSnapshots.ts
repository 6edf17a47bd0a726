import { NEAR_RADIUS_M, ROOM_HALF_EXTENT_M } from '../../shared/protocol/limits.ts';
import { REALTIME_ERRORS, type RealtimeErrorCode } from '../../shared/protocol/spatialProtocol.ts';
import { POSE_KEYS, type Anchor, type Avatar, type SpatialObject } from '../../shared/schema/SpatialState.ts';
import type {
  AnchorSnapshot,
  AvatarSnapshot,
  FeedRefusal,
  ObjectKind,
  ObjectSnapshot,
  Pose,
} from '../state/RoomFeed.ts';

/**
 * Pure translations between the SpatialRoom's schema/protocol (shared/) and the client's RoomFeed
 * snapshots. No socket here, so every rule is unit-tested without a server.
 */

/** Room object kinds (snake_case, spatial_objects.kind) to the client's rendered kinds. */
const KIND_OF: Readonly<Record<string, ObjectKind>> = {
  thread_panel: 'thread-panel',
  workspace_panel: 'workspace-panel',
  memory_card: 'memory-card',
  note: 'note',
};

/** The client kind of a room object, or null for kinds the client does not draw yet ('model'). */
export function clientKind(kind: string): ObjectKind | null {
  return KIND_OF[kind] ?? null;
}

/** Anchors placed for an object carry this label; the room has no object field on anchors. */
export function anchorLabelFor(objectId: string): string {
  return `object:${objectId}`;
}

export function objectIdOfAnchorLabel(label: string): string | null {
  return label.startsWith('object:') ? label.slice('object:'.length) : null;
}

const clampCoord = (v: number) =>
  Number.isFinite(v) ? Math.min(ROOM_HALF_EXTENT_M, Math.max(-ROOM_HALF_EXTENT_M, v)) : 0;

/** A pose as the protocol's [px, py, pz, qx, qy, qz, qw]: clamped to the room, unit quaternion. */
export function partPose(p: Pose): [number, number, number, number, number, number, number] {
  const [qx, qy, qz, qw] = unitQuat(p.qx, p.qy, p.qz, p.qw);
  return [clampCoord(p.x), clampCoord(p.y), clampCoord(p.z), qx, qy, qz, qw];
}

export function vec3(p: Pose): [number, number, number] {
  return [clampCoord(p.x), clampCoord(p.y), clampCoord(p.z)];
}

export function unitQuat(x: number, y: number, z: number, w: number): [number, number, number, number] {
  const n = Math.hypot(x, y, z, w);
  if (!Number.isFinite(n) || n < 1e-6) return [0, 0, 0, 1];
  return [x / n, y / n, z / n, w / n];
}

type PoseFields = Pick<
  Avatar,
  | 'hx'
  | 'hy'
  | 'hz'
  | 'hqx'
  | 'hqy'
  | 'hqz'
  | 'hqw'
  | 'lx'
  | 'ly'
  | 'lz'
  | 'lqx'
  | 'lqy'
  | 'lqz'
  | 'lqw'
  | 'rx'
  | 'ry'
  | 'rz'
  | 'rqx'
  | 'rqy'
  | 'rqz'
  | 'rqw'
>;

/** A finite number, or `fallback` (a field the room never sent, or took away, reads undefined). */
const finiteOr = (v: number | undefined, fallback: number) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fallback;

function part(f: PoseFields, k: 'h' | 'l' | 'r'): Pose {
  const g = f as unknown as Record<string, number | undefined>;
  return {
    x: finiteOr(g[`${k}x`], 0),
    y: finiteOr(g[`${k}y`], 0),
    z: finiteOr(g[`${k}z`], 0),
    qx: finiteOr(g[`${k}qx`], 0),
    qy: finiteOr(g[`${k}qy`], 0),
    qz: finiteOr(g[`${k}qz`], 0),
    qw: finiteOr(g[`${k}qw`], 1),
  };
}

/** Whether every pose field of `f` is a finite number: the full-rate pose is held, and whole. */
export function hasFinitePose(f: PoseFields | undefined): boolean {
  if (!f) return false;
  const g = f as unknown as Record<string, unknown>;
  for (const key of POSE_KEYS) {
    const v = g[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
  }
  return true;
}

/** Below this distance the full-rate pose is trusted; a margin under NEAR_RADIUS_M absorbs view lag. */
export const NEAR_TRUST_M = NEAR_RADIUS_M - 1;

/**
 * Whether to read an avatar's full-rate fields: the room's state view sends them only for avatars
 * within NEAR_RADIUS_M of the viewer (server rule), so farther ones are read from `coarse`.
 */
export function isNear(self: PoseFields | undefined, other: Avatar): boolean {
  if (!self) return false;
  const c = other.coarse;
  if (!c) return false;
  const dx = self.hx - c.hx;
  const dy = self.hy - c.hy;
  const dz = self.hz - c.hz;
  return dx * dx + dy * dy + dz * dz <= NEAR_TRUST_M * NEAR_TRUST_M;
}

/**
 * What the client draws and pans of an avatar: its full-rate pose when `near` and the room holds it
 * whole (the server sends it only to viewers near it, and takes it away, field by field, when they
 * part: a missing field reads undefined), else its coarse copy. A field that is still not a finite
 * number reads as the identity (0, w 1): nothing non-finite reaches a transform or an AudioParam.
 */
export function avatarSnapshot(avatar: Avatar, near: boolean): AvatarSnapshot {
  const full = near && hasFinitePose(avatar);
  const src: PoseFields = full ? avatar : avatar.coarse;
  return {
    id: avatar.sessionId,
    identityId: avatar.identityId,
    displayName: avatar.displayName,
    color: avatar.color,
    speaking: avatar.speaking,
    mode: avatar.mode,
    handTracking: avatar.handTracking,
    head: part(src, 'h'),
    left: part(src, 'l'),
    right: part(src, 'r'),
    joints: full ? (avatar.joints ?? '') : '',
  };
}

/** float32 fields have no schema default: a field never written reads as 0 (w as 1). */
const n0 = (v: number | undefined) => v ?? 0;

export function anchorPose(a: Anchor): Pose {
  return { x: n0(a.px), y: n0(a.py), z: n0(a.pz), qx: n0(a.qx), qy: n0(a.qy), qz: n0(a.qz), qw: a.qw ?? 1 };
}

export function anchorSnapshot(a: Anchor): AnchorSnapshot {
  return {
    id: a.id,
    objectId: objectIdOfAnchorLabel(a.label),
    pose: anchorPose(a),
    xrHandle: a.xrAnchorId === '' ? null : a.xrAnchorId,
  };
}

/** `parent ∘ local`: an anchored object's transform is relative to its anchor. */
export function composePose(parent: Pose, local: Pose): Pose {
  const { qx: ax, qy: ay, qz: az, qw: aw } = parent;
  // rotate local position by parent quaternion: v' = v + 2w(q×v) + 2q×(q×v)
  const tx = 2 * (ay * local.z - az * local.y);
  const ty = 2 * (az * local.x - ax * local.z);
  const tz = 2 * (ax * local.y - ay * local.x);
  const x = local.x + aw * tx + (ay * tz - az * ty) + parent.x;
  const y = local.y + aw * ty + (az * tx - ax * tz) + parent.y;
  const z = local.z + aw * tz + (ax * ty - ay * tx) + parent.z;
  const { qx: bx, qy: by, qz: bz, qw: bw } = local;
  return {
    x,
    y,
    z,
    qx: aw * bx + ax * bw + ay * bz - az * by,
    qy: aw * by - ax * bz + ay * bw + az * bx,
    qz: aw * bz + ax * by - ay * bx + az * bw,
    qw: aw * bw - ax * bx - ay * by - az * bz,
  };
}

/** An object as the client draws it (room space), or null for kinds the client does not draw. */
export function objectSnapshot(o: SpatialObject, anchor: Anchor | undefined): ObjectSnapshot | null {
  const kind = clientKind(o.kind);
  if (!kind) return null;
  const local: Pose = {
    x: n0(o.px),
    y: n0(o.py),
    z: n0(o.pz),
    qx: n0(o.qx),
    qy: n0(o.qy),
    qz: n0(o.qz),
    qw: o.qw ?? 1,
  };
  return {
    id: o.id,
    kind,
    pose: anchor ? composePose(anchorPose(anchor), local) : local,
    scale: o.sx ?? 1,
    heldBy: o.lockedBy === '' ? null : o.lockedBy,
    anchorId: o.anchorId === '' ? null : o.anchorId,
  };
}

/** How a realtime error code reads as a client refusal. */
export function refusalOf(code: RealtimeErrorCode | string): FeedRefusal {
  switch (code) {
    case REALTIME_ERRORS.lockHeld:
      return 'locked';
    case REALTIME_ERRORS.forbidden:
    case REALTIME_ERRORS.roomLocked:
    case REALTIME_ERRORS.unauthenticated:
      return 'permission';
    case REALTIME_ERRORS.notFound:
      return 'not-found';
    case REALTIME_ERRORS.rateLimited:
      return 'rate-limited';
    default:
      return 'invalid';
  }
}
