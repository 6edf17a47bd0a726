import { useFrame } from '@react-three/fiber';
import { useRef } from 'react';
import { Quaternion, Vector3 } from 'three';
import { encodeJoints, JOINT_VALUES, trackedHands } from '../state/handJoints.ts';
import type { Pose, RoomFeed } from '../state/RoomFeed.ts';
import { PATCH_INTERVAL_MS } from '../state/roomStore.ts';
import { roomClock } from '../state/bindRoomFeed.ts';

type MutablePose = { -readonly [K in keyof Pose]: Pose[K] };

const _p = new Vector3();
const _q = new Quaternion();
const head: MutablePose = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
const left: MutablePose = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
const right: MutablePose = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
const joints = new Array<number>(JOINT_VALUES).fill(0);
const handsShown = { value: false };

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
 * Sends the local head pose at POSE_HZ; tracked hands (XRHandTracker) send their wrists as the hand
 * poses plus every joint, compressed; without them (desktop, mobile) the hands rest beside the body.
 * Reuses its pose objects and joint buffer: the feed copies what it sends.
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
    const l = trackedHands.left;
    const r = trackedHands.right;
    if (l.tracked) fromWorld(left, _p.fromArray(l.positions), _q);
    else fromWorld(left, _p.set(head.x - 0.25, head.y - 0.5, head.z), _q);
    if (r.tracked) fromWorld(right, _p.fromArray(r.positions), _q);
    else fromWorld(right, _p.set(head.x + 0.25, head.y - 0.5, head.z), _q);
    const encoded = encodeJoints(l, r, joints);
    // the room keeps the last joints it got: once tracking stops, one all-zero set hides the hands
    if (encoded || handsShown.value) feed.sendPose(head, left, right, encoded ?? joints.fill(0));
    else feed.sendPose(head, left, right);
    handsShown.value = encoded !== null;
  });
  return null;
}
