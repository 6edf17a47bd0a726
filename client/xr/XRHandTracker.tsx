import { useFrame } from '@react-three/fiber';
import type { RefObject } from 'react';
import { Vector3, type Object3D } from 'three';
import { trackedHands, XR_HAND_JOINT_NAMES, type TrackedHand } from '../state/handJoints.ts';

const _v = new Vector3();

function track(
  hand: TrackedHand,
  source: XRInputSource | undefined,
  frame: XRFrame,
  ref: XRReferenceSpace,
  origin: Object3D,
): void {
  const xrHand = source?.hand;
  if (!xrHand) {
    hand.tracked = false;
    return;
  }
  for (let j = 0; j < XR_HAND_JOINT_NAMES.length; j++) {
    const space = xrHand.get(XR_HAND_JOINT_NAMES[j]!);
    const pose = space && frame.getJointPose ? frame.getJointPose(space, ref) : undefined;
    if (!pose) {
      hand.tracked = false;
      return;
    }
    const p = pose.transform.position;
    _v.set(p.x, p.y, p.z).applyMatrix4(origin.matrixWorld);
    hand.positions[j * 3] = _v.x;
    hand.positions[j * 3 + 1] = _v.y;
    hand.positions[j * 3 + 2] = _v.z;
  }
  hand.tracked = true;
}

/**
 * When the device tracks hands, reads every joint of both XRHands each frame into `trackedHands`
 * (room space, through the XR origin), which PosePublisher sends as compressed joints; the local
 * hands themselves are drawn by @react-three/xr's hand models (assets/xr-profiles/generic-hand).
 */
export function XRHandTracker({ origin }: { origin: RefObject<Object3D | null> }) {
  useFrame((state, _dt, frame: XRFrame | undefined) => {
    const ref = state.gl.xr.getReferenceSpace();
    const o = origin.current;
    if (!frame || !ref || !o) {
      trackedHands.left.tracked = trackedHands.right.tracked = false;
      return;
    }
    let left: XRInputSource | undefined;
    let right: XRInputSource | undefined;
    const sources = frame.session.inputSources;
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i]!;
      if (source.handedness === 'left' && source.hand) left = source;
      else if (source.handedness === 'right' && source.hand) right = source;
    }
    track(trackedHands.left, left, frame, ref, o);
    track(trackedHands.right, right, frame, ref, o);
  });
  return null;
}
