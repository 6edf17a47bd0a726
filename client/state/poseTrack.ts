import { Quaternion } from 'three';
import type { Pose } from './RoomFeed.ts';

/** Floats per pose in a track buffer: position xyz then quaternion xyzw. */
export const POSE_FLOATS = 7;

/**
 * A buffer of `poseCount` poses (plus `tailFloats` linearly blended values, e.g. a scale) moving from
 * `from` to `to` over `durationMs`. A network patch retargets the track from where it is drawn now, so
 * a late or early patch never makes it jump; each frame samples it into `current` without allocating.
 */
export interface PoseTrack {
  readonly poseCount: number;
  readonly tailFloats: number;
  readonly from: Float32Array;
  readonly to: Float32Array;
  readonly current: Float32Array;
  startMs: number;
  durationMs: number;
  /** True once `current` equals `to`: renderers skip settled tracks. */
  settled: boolean;
}

export function createPoseTrack(poseCount: number, tailFloats = 0): PoseTrack {
  const length = poseCount * POSE_FLOATS + tailFloats;
  return {
    poseCount,
    tailFloats,
    from: new Float32Array(length),
    to: new Float32Array(length),
    current: new Float32Array(length),
    startMs: 0,
    durationMs: 0,
    settled: false,
  };
}

/** Writes `pose` into `buffer` as pose number `index`. */
export function writePose(buffer: Float32Array, index: number, pose: Pose): void {
  const o = index * POSE_FLOATS;
  buffer[o] = pose.x;
  buffer[o + 1] = pose.y;
  buffer[o + 2] = pose.z;
  buffer[o + 3] = pose.qx;
  buffer[o + 4] = pose.qy;
  buffer[o + 5] = pose.qz;
  buffer[o + 6] = pose.qw;
}

/** Jumps to the target (first sight of an avatar or object). */
export function snapTrack(track: PoseTrack): void {
  track.from.set(track.to);
  track.current.set(track.to);
  track.durationMs = 0;
  track.settled = false;
}

/**
 * Starts a move from the pose drawn at `nowMs`: call it BEFORE writing the new target into `track.to`
 * (it samples the old target), then write the target.
 */
export function retargetTrack(track: PoseTrack, nowMs: number, durationMs: number): void {
  sampleTrack(track, nowMs);
  track.from.set(track.current);
  track.startMs = nowMs;
  track.durationMs = durationMs;
  track.settled = false;
}

/**
 * Samples the track at `nowMs` into `track.current`. Returns true when `current` changed since the last
 * call, so callers only upload the instance matrices that moved.
 */
export function sampleTrack(track: PoseTrack, nowMs: number): boolean {
  if (track.settled) return false;
  const { from, to, current, poseCount } = track;
  const t = track.durationMs <= 0 ? 1 : Math.min(1, Math.max(0, (nowMs - track.startMs) / track.durationMs));
  for (let p = 0; p < poseCount; p++) {
    const o = p * POSE_FLOATS;
    current[o] = from[o]! + (to[o]! - from[o]!) * t;
    current[o + 1] = from[o + 1]! + (to[o + 1]! - from[o + 1]!) * t;
    current[o + 2] = from[o + 2]! + (to[o + 2]! - from[o + 2]!) * t;
    // three types slerpFlat for number[]; it only indexes, so typed arrays work as well
    Quaternion.slerpFlat(
      current as unknown as number[],
      o + 3,
      from as unknown as number[],
      o + 3,
      to as unknown as number[],
      o + 3,
      t,
    );
  }
  for (let i = poseCount * POSE_FLOATS; i < current.length; i++) {
    current[i] = from[i]! + (to[i]! - from[i]!) * t;
  }
  if (t >= 1) track.settled = true;
  return true;
}
