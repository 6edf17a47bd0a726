import { useFrame } from '@react-three/fiber';
import { useRef } from 'react';
import { Quaternion, Vector3 } from 'three';
import type { Pose, RoomFeed } from '../state/RoomFeed.ts';
import { PATCH_INTERVAL_MS } from '../state/roomStore.ts';
import { roomClock } from '../state/bindRoomFeed.ts';

type MutablePose = { -readonly [K in keyof Pose]: Pose[K] };

const _p = new Vector3();
const _q = new Quaternion();
const head: MutablePose = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
const left: MutablePose = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
const right: MutablePose = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };

function fromWorld(out: MutablePose, p: Vector3, q: Quaternion): void {
  out.x = p.x;
  out.y = p.y;
  out.z = p.z;
  out.qx = q.x;
  out.qy = q.y;
  out.qz = q.z;
  out.qw = q.w;
}

/**
 * Sends the local head pose at POSE_HZ; without tracked hands (desktop, mobile) the hands rest beside
 * the body. Reuses three pose objects: the feed copies what it sends.
 */
export function PosePublisher({ feed }: { feed: RoomFeed }) {
  const last = useRef(-Infinity);
  useFrame(({ camera }) => {
    const now = roomClock();
    if (now - last.current < PATCH_INTERVAL_MS) return;
    last.current = now;
    camera.getWorldPosition(_p);
    camera.getWorldQuaternion(_q);
    fromWorld(head, _p, _q);
    fromWorld(left, _p.set(head.x - 0.25, head.y - 0.5, head.z), _q);
    fromWorld(right, _p.set(head.x + 0.25, head.y - 0.5, head.z), _q);
    feed.sendPose(head, left, right);
  });
  return null;
}
