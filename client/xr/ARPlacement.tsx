import { useFrame } from '@react-three/fiber';
import { useXR, useXRHitTest, useXRInputSourceState } from '@react-three/xr';
import { useEffect, useRef } from 'react';
import { Matrix4, Quaternion, Vector3, type Mesh } from 'three';
import { useGrabSession } from '../interaction/useGrabSession.ts';
import { useRoomFeed } from '../room/RoomFeedContext.ts';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import { anchorOfObject } from '../state/worldAnchorStore.ts';
import { anchorInWorld, requestWorldAnchor, startWorldAnchors } from './worldAnchors.ts';
import { trackSelectPresses } from './selectPresses.ts';

const _m = new Matrix4();
const _q = new Quaternion();
const _s = new Vector3();
const hit = { valid: false, position: new Vector3() };

/**
 * AR placement (immersive-ar, passthrough): a reticle follows the hit test of the right controller's
 * ray (or the screen centre on a phone); a completed select whose press started no grab sets the
 * selected object (else the last held one) down on the real surface where the reticle is at the release
 * and anchors it there, through the RoomFeed, so it reappears for everyone. The placement also gets a
 * WebXR anchor (and, where the browser keeps them, a persistent one restored in later sessions on this
 * device: worldAnchors.ts); elsewhere the room-space pose holds it.
 */
export function ARPlacement() {
  const ar = useXR((s) => s.mode === 'immersive-ar' && s.session !== undefined);
  // hit-test sources exist only in AR sessions (a VR session has no real surfaces to hit)
  return ar ? <ARHitTestPlacement /> : null;
}

function ARHitTestPlacement() {
  const session = useXR((s) => s.session);
  const right = useXRInputSourceState('controller', 'right');
  const grab = useGrabSession();
  const store = useRoomStoreApi();
  const feed = useRoomFeed();
  const reticle = useRef<Mesh>(null);
  useEffect(() => (session ? startWorldAnchors(session, store) : undefined), [session, store]);
  useXRHitTest((results, getWorldMatrix) => {
    hit.valid = results.length > 0 && getWorldMatrix(_m, results[0]!);
    if (hit.valid) _m.decompose(hit.position, _q, _s);
  }, right?.inputSource.targetRaySpace ?? 'viewer');
  useFrame(() => {
    const r = reticle.current;
    if (!r) return;
    r.visible = hit.valid;
    if (r.visible) r.position.copy(hit.position);
  });
  useEffect(() => {
    if (!session) return;
    let grabsAtPress = -1;
    const stop = trackSelectPresses(session, {
      press() {
        grabsAtPress = grab.state.count;
      },
      // placed once the select completes, where the reticle is then, unless the press started a grab
      release() {
        if (!hit.valid || grab.state.count !== grabsAtPress || grab.state.holding || grab.state.pending)
          return;
        const id = store.getState().selectedObjectId ?? grab.state.lastId;
        const o = id ? store.findObject(id) : undefined;
        if (!o) return;
        const t = o.track.to;
        const p = hit.position;
        const pose = { x: p.x, y: p.y, z: p.z, qx: t[3]!, qy: t[4]!, qz: t[5]!, qw: t[6]! };
        const previous = anchorOfObject(store.getState().anchors, o.id)?.xrHandle ?? null;
        void grab.placeAt(o.id, pose).then((placed) => {
          if (!placed.ok) return;
          const at = new Vector3(pose.x, pose.y, pose.z);
          const facing = new Quaternion(pose.qx, pose.qy, pose.qz, pose.qw);
          const create = () => requestWorldAnchor(at, facing);
          return anchorInWorld(create, feed, placed.value.anchorId, previous);
        });
      },
    });
    return () => {
      stop();
      hit.valid = false;
    };
  }, [session, grab, store, feed]);
  return (
    <mesh ref={reticle} rotation-x={-Math.PI / 2} visible={false}>
      <ringGeometry args={[0.06, 0.08, 32]} />
      <meshBasicMaterial color="#4f8cff" />
    </mesh>
  );
}
