import { useFrame } from '@react-three/fiber';
import { useXRInputSourceState } from '@react-three/xr';
import type { RefObject } from 'react';
import { Vector3, type Object3D } from 'three';
import { GRAB_RADIUS_M } from '../interaction/grabSession.ts';
import { useGrabSession } from '../interaction/useGrabSession.ts';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import type { RoomObjectEntry } from '../state/roomStore.ts';
import { OBJECT_KINDS } from '../state/RoomFeed.ts';

export { GRAB_RADIUS_M };

const _hand = new Vector3();
const start = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
const buttons = { anchorDown: false };

function nearest(objectsByKind: Readonly<Record<string, readonly RoomObjectEntry[]>>, p: Vector3) {
  let best: RoomObjectEntry | null = null;
  let bestD2 = GRAB_RADIUS_M * GRAB_RADIUS_M;
  for (const kind of OBJECT_KINDS) {
    for (const o of objectsByKind[kind]!) {
      const t = o.track.to;
      const d2 = (t[0]! - p.x) ** 2 + (t[1]! - p.y) ** 2 + (t[2]! - p.z) ** 2;
      if (d2 <= bestD2) {
        bestD2 = d2;
        best = o;
      }
    }
  }
  return best;
}

/** Copies an object's current transform into `start` (no allocation). */
export function poseOfEntry(o: RoomObjectEntry, out: typeof start = start): typeof start {
  const t = o.track.to;
  out.x = t[0]!;
  out.y = t[1]!;
  out.z = t[2]!;
  out.qx = t[3]!;
  out.qy = t[4]!;
  out.qz = t[5]!;
  out.qw = t[6]!;
  return out;
}

/**
 * Proximity grab with the right controller: trigger near an object asks the room for its lock, the
 * object follows the controller while held (moves streamed by the feed at its rate), releasing the
 * trigger releases it where it is; the A button anchors the last held object. Far objects are grabbed
 * with the ray (ObjectInstances' pointer handlers); both share one grab session, so one object at a time.
 */
export function XRGrab({ origin }: { origin: RefObject<Object3D | null> }) {
  const store = useRoomStoreApi();
  const session = useGrabSession();
  const right = useXRInputSourceState('controller', 'right');
  useFrame((_state, _dt, frame: XRFrame | undefined) => {
    if (!right) return;
    if (right.object) right.object.getWorldPosition(_hand);
    else {
      const ref = _state.gl.xr.getReferenceSpace();
      const pose =
        frame && ref
          ? frame.getPose(right.inputSource.gripSpace ?? right.inputSource.targetRaySpace, ref)
          : undefined;
      const o = origin.current;
      if (!pose || !o) return;
      // the pose is in the rig's space (moved, turned): into the room through the origin
      const p = pose.transform.position;
      _hand.set(p.x, p.y, p.z).applyMatrix4(o.matrixWorld);
    }
    const trigger = right.gamepad['xr-standard-trigger']?.state === 'pressed';
    const anchor = right.gamepad['a-button']?.state === 'pressed';
    const g = session.state;
    if (trigger && !g.pending && !g.holding) {
      const target = nearest(store.getState().objectsByKind, _hand);
      if (target) session.begin(target.id, 'hand', poseOfEntry(target));
    }
    if (g.source === 'hand') {
      if (trigger) session.follow(_hand.x, _hand.y, _hand.z);
      else session.end();
    }
    if (anchor && !buttons.anchorDown && g.lastId && !g.holding && !g.pending) {
      const o = store.findObject(g.lastId);
      if (o) void session.anchor(o.id, poseOfEntry(o, { ...start }));
    }
    buttons.anchorDown = anchor;
  });
  return null;
}
