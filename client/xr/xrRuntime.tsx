import { useFrame, useThree } from '@react-three/fiber';
import {
  TeleportTarget,
  XR,
  XROrigin,
  createXRStore,
  useXR,
  useXRControllerLocomotion,
} from '@react-three/xr';
import { useEffect, useRef, type RefObject } from 'react';
import { Quaternion, Vector3, type Camera, type Group } from 'three';
import { clientStore, locomotion } from '../app/clientStore.ts';
import { WALK_SPEED_MPS } from '../controls/locomotion.ts';
import { AROverlay } from './AROverlay.tsx';
import { ARPlacement } from './ARPlacement.tsx';
import { XRGrab } from './XRGrab.tsx';
import { XRHandTracker } from './XRHandTracker.tsx';
import { XRPushToTalk } from './XRPushToTalk.tsx';
import { XRRightController } from './XRRightController.tsx';
import { alignToWorldAnchors, createRequestedAnchors } from './worldAnchors.ts';
import {
  placeOriginAt,
  teleportOrigin,
  turnOriginAbout,
  viewerInRoom,
  walkOrigin,
  yawOf,
} from './xrOrigin.ts';
import { assetUrl } from '../app/assetUrl.ts';

// controller and hand models ship in assets/xr-profiles (never fetched from a CDN)
const baseAssetPath = assetUrl('xr-profiles/');

/** Degrees per snap turn (right thumbstick left/right). */
export const SNAP_TURN_DEG = 30;
/** Size of the teleportable floor (m), the room's floor plane. */
const FLOOR_SIZE_M = 40;

/**
 * The DOM overlay root of AR sessions: asked for as the optional `dom-overlay` feature with this root
 * (handheld AR shows it over the camera view; the library shows it only while a session runs).
 */
export const arOverlayRoot = document.createElement('div');
arOverlayRoot.className = 'ar-overlay';

/** The one XR store of the app; it lives in the XR chunk, loaded on first Enter VR / AR. */
export const xrStore = createXRStore({
  domOverlay: arOverlayRoot,
  emulate: false,
  offerSession: false,
  baseAssetPath,
  defaultControllerProfileId: 'generic-trigger',
  defaultXRHandProfileId: 'generic-hand',
  // both controllers point (ray) and grab; the right one also aims teleports at the floor
  controller: { left: {}, right: XRRightController },
  hitTest: true,
  anchors: true,
});

xrStore.subscribe((state, previous) => {
  if (state.session === previous.session) return;
  clientStore.setState({
    xrStatus: state.session ? (state.mode === 'immersive-ar' ? 'immersive-ar' : 'immersive-vr') : 'idle',
  });
});

let connect: () => void;
const connected = new Promise<void>((resolve) => (connect = resolve));

/** Resolves once <XR> has bound the store to three's WebXRManager (enterVR fails before that). */
export function whenConnected(): Promise<void> {
  return connected;
}

/** Read-only handle for end-to-end tests and the console: the rig, the XR camera, the last teleport. */
export interface XRDebugHandle {
  readonly store: typeof xrStore;
  origin: Group | null;
  camera: Camera | null;
  lastTeleport: { x: number; y: number; z: number } | null;
}
const debug: XRDebugHandle = { store: xrStore, origin: null, camera: null, lastTeleport: null };

const headLocal = new Vector3();
const headLocalQ = new Quaternion();
/** The viewer's pose in the room, updated every XR frame after locomotion. */
const head = new Vector3();
const headQ = new Quaternion();
const rig = { placed: false };

function Origin({ origin }: { origin: RefObject<Group | null> }) {
  const camera = useThree((s) => s.gl.xr.getCamera());
  const ar = useXR((s) => s.mode === 'immersive-ar' && s.session !== undefined);
  useEffect(() => {
    debug.origin = origin.current;
    debug.camera = camera;
    Object.assign(globalThis, { __chenuXR: debug });
    connect();
  }, [origin, camera]);
  // left thumbstick walks level at walking speed, right thumbstick snap-turns about the head
  useXRControllerLocomotion(
    (velocity: Vector3, turn: number, dt: number) => {
      const o = origin.current;
      if (!o || !rig.placed) return;
      if (turn !== 0) turnOriginAbout(o, head, turn);
      walkOrigin(o, velocity, dt);
    },
    { speed: WALK_SPEED_MPS },
    { type: 'snap', degrees: SNAP_TURN_DEG },
  );
  useFrame((state, _dt, frame: XRFrame | undefined) => {
    const o = origin.current;
    if (!o) return;
    const ref = state.gl.xr.getReferenceSpace();
    const pose = xrStore.getState().session && frame && ref ? frame.getViewerPose(ref) : undefined;
    if (!pose) {
      if (!xrStore.getState().session) {
        // outside XR the rig follows the desktop walker; the next session starts from there
        if (rig.placed) locomotion.pitch = 0;
        rig.placed = false;
        o.position.copy(locomotion.position);
        o.rotation.set(0, locomotion.yaw, 0);
      }
      return;
    }
    const p = pose.transform.position;
    const q = pose.transform.orientation;
    headLocal.set(p.x, p.y, p.z);
    headLocalQ.set(q.x, q.y, q.z, q.w);
    if (!rig.placed) {
      // entering XR keeps the user where the desktop view stood, facing the same way
      const at = locomotion.position;
      placeOriginAt(o, headLocal, headLocalQ, at.x, at.y, at.z, locomotion.yaw);
      rig.placed = true;
    }
    // AR: a restored persistent anchor registers the room to the real world (worldAnchors.ts)
    if (ar && ref) {
      alignToWorldAnchors(o, frame!, ref);
      o.updateMatrixWorld();
      createRequestedAnchors(o, frame!, ref);
    }
    o.updateMatrixWorld();
    viewerInRoom(o, headLocal, headLocalQ, head, headQ);
    // locomotion follows the viewer's feet and heading: leaving XR resumes the desktop view there
    locomotion.position.set(head.x, o.position.y, head.z);
    locomotion.yaw = yawOf(headQ);
  });
  const teleport = (_point: Vector3, event: { point: Vector3 }) => {
    const o = origin.current;
    if (!o || !rig.placed) return;
    teleportOrigin(o, head, event.point);
    debug.lastTeleport = { x: event.point.x, y: event.point.y, z: event.point.z };
  };
  return (
    <>
      <XROrigin ref={origin} />
      <XRHandTracker origin={origin} />
      {/* the room's floor in VR; in AR the floor is the real one and teleporting would tear the
          room away from it */}
      {!ar && (
        <TeleportTarget onTeleport={teleport}>
          {/* invisible but hit by the teleport arc */}
          <mesh name="teleport-floor" rotation-x={-Math.PI / 2} position-y={0.001}>
            <planeGeometry args={[FLOOR_SIZE_M, FLOOR_SIZE_M]} />
            <meshBasicMaterial transparent opacity={0} depthWrite={false} />
          </mesh>
        </TeleportTarget>
      )}
    </>
  );
}

/**
 * Mounted inside the canvas once XR is wanted: controllers (ray, grab and teleport pointers), hands,
 * origin with walk / snap turn / teleport, proximity grab, push-to-talk, AR hit-test placement.
 */
export function XRRoot() {
  const origin = useRef<Group>(null);
  return (
    <XR store={xrStore}>
      <Origin origin={origin} />
      <XRGrab origin={origin} />
      <XRPushToTalk />
      <ARPlacement />
      <AROverlay />
    </XR>
  );
}
