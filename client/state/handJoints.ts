import { HAND_JOINTS } from '../../shared/protocol/limits.ts';

/**
 * Articulated hands on the wire (shared/protocol `pose.j`, SpatialState `Avatar.joints`): for the left
 * then the right hand, each of the HAND_JOINTS WebXR joints as x, y, z in millimetres relative to
 * that hand's wrist joint, in room axes, int16. The room stores them as int16 little-endian base64.
 * A hand that is not tracked is all zeros and is not drawn.
 */
export const JOINT_VALUES = HAND_JOINTS * 3 * 2;

/** The WebXR hand joints in XRHand order (the spec's enumeration order). */
export const XR_HAND_JOINT_NAMES = [
  'wrist',
  'thumb-metacarpal',
  'thumb-phalanx-proximal',
  'thumb-phalanx-distal',
  'thumb-tip',
  'index-finger-metacarpal',
  'index-finger-phalanx-proximal',
  'index-finger-phalanx-intermediate',
  'index-finger-phalanx-distal',
  'index-finger-tip',
  'middle-finger-metacarpal',
  'middle-finger-phalanx-proximal',
  'middle-finger-phalanx-intermediate',
  'middle-finger-phalanx-distal',
  'middle-finger-tip',
  'ring-finger-metacarpal',
  'ring-finger-phalanx-proximal',
  'ring-finger-phalanx-intermediate',
  'ring-finger-phalanx-distal',
  'ring-finger-tip',
  'pinky-finger-metacarpal',
  'pinky-finger-phalanx-proximal',
  'pinky-finger-phalanx-intermediate',
  'pinky-finger-phalanx-distal',
  'pinky-finger-tip',
] as const satisfies readonly XRHandJoint[];

/** One hand as the XR chunk tracks it: world positions (m) of its joints, wrist first. */
export interface TrackedHand {
  tracked: boolean;
  readonly positions: Float32Array;
}

/** The local hands, written each frame by the XR chunk when the device tracks hands, read by PosePublisher. */
export const trackedHands: { readonly left: TrackedHand; readonly right: TrackedHand } = {
  left: { tracked: false, positions: new Float32Array(HAND_JOINTS * 3) },
  right: { tracked: false, positions: new Float32Array(HAND_JOINTS * 3) },
};

const clamp16 = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);

function encodeHand(hand: TrackedHand, out: number[], base: number): void {
  const p = hand.positions;
  for (let i = 0; i < HAND_JOINTS * 3; i++) {
    out[base + i] = hand.tracked ? clamp16(Math.round((p[i]! - p[i % 3]!) * 1000)) : 0;
  }
}

/**
 * Writes both hands into `out` (JOINT_VALUES ints, reused by the caller) and returns it, or null when
 * neither hand is tracked (then no joints are sent). Allocates nothing.
 */
export function encodeJoints(
  left: TrackedHand,
  right: TrackedHand,
  out: number[] = new Array<number>(JOINT_VALUES),
): number[] | null {
  if (!left.tracked && !right.tracked) return null;
  encodeHand(left, out, 0);
  encodeHand(right, out, HAND_JOINTS * 3);
  return out;
}

/** Decodes the room's base64 into `out` (JOINT_VALUES int16); false for '' or a malformed value. */
export function decodeJoints(base64: string, out: Int16Array): boolean {
  if (base64 === '') return false;
  let bytes: string;
  try {
    bytes = atob(base64);
  } catch {
    return false;
  }
  if (bytes.length !== out.length * 2) return false;
  for (let i = 0; i < out.length; i++) {
    const v = bytes.charCodeAt(2 * i) | (bytes.charCodeAt(2 * i + 1) << 8);
    out[i] = v > 32767 ? v - 65536 : v;
  }
  return true;
}

/** Whether hand `h` (0 left, 1 right) of decoded joints is tracked (any joint off the wrist). */
export function isHandTracked(joints: Int16Array, h: 0 | 1): boolean {
  const base = h * HAND_JOINTS * 3;
  for (let i = base + 3; i < base + HAND_JOINTS * 3; i++) if (joints[i] !== 0) return true;
  return false;
}
