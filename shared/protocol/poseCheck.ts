import { HAND_JOINTS, ROOM_HALF_EXTENT_M } from './limits.ts';
import type { SpatialClientMessage } from './spatialProtocol.ts';

/** The largest `t` (client send time, ms) a pose may carry: an unsigned 32-bit integer. */
const MAX_STAMP = 2 ** 32 - 1;
const MAX_JOINT_VALUES = HAND_JOINTS * 3 * 2;

/**
 * The pose's fast path: true only for a pose the zod schema (`spatialClientSchemas.pose`) accepts, in
 * the exact form clients send it (a plain object of `h`, `l`, `r` and optionally `j`, `t`; numbers in
 * range). Poses arrive at POSE_HZ from every client, so the room checks them with this first and
 * uses the message as it came, without zod's output copy (four allocations per pose). Anything this
 * refuses goes on to zod, which accepts or refuses it and names the fault; so the schema stays the
 * one authority of what a pose is, and this may refuse more than it but never accept more
 * (`test/realtime/poseCheck.test.ts` checks both on random and hostile messages).
 */
export function isPlainPose(m: unknown): m is SpatialClientMessage<'pose'> {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return false;
  const msg = m as Record<string, unknown>;
  let parts = 0;
  for (const key in msg) {
    if (!Object.hasOwn(msg, key)) return false;
    switch (key) {
      case 'h':
      case 'l':
      case 'r':
        if (!isPart(msg[key])) return false;
        parts++;
        break;
      case 'j':
        if (msg.j !== undefined && !isJoints(msg.j)) return false;
        break;
      case 't': {
        const t = msg.t;
        if (t !== undefined && !(Number.isInteger(t) && (t as number) >= 0 && (t as number) <= MAX_STAMP))
          return false;
        break;
      }
      default:
        return false;
    }
  }
  return parts === 3;
}

/** `[px, py, pz, qx, qy, qz, qw]`: positions within the room's extent, quaternion parts in [-1, 1]. */
function isPart(v: unknown): boolean {
  if (!Array.isArray(v) || v.length !== 7) return false;
  for (let i = 0; i < 7; i++) {
    const x: unknown = v[i];
    const bound = i < 3 ? ROOM_HALF_EXTENT_M : 1;
    // NaN fails both comparisons, so it is refused here too
    if (typeof x !== 'number' || !(x >= -bound && x <= bound)) return false;
  }
  return true;
}

/** Compressed hand joints: at most both hands' joints x 3 values, each an int16. */
function isJoints(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > MAX_JOINT_VALUES) return false;
  for (let i = 0; i < v.length; i++) {
    const x: unknown = v[i];
    if (!Number.isInteger(x) || (x as number) < -32768 || (x as number) > 32767) return false;
  }
  return true;
}
