import { useFrame } from '@react-three/fiber';
import { TeleportTarget, XR, XROrigin, createXRStore, useXRControllerLocomotion } from '@react-three/xr';
import { useEffect, useRef } from 'react';
import type { Group, Vector3 } from 'three';
import { clientStore, locomotion } from '../app/clientStore.ts';
import { ARPlacement } from './ARPlacement.tsx';
import { XRGrab } from './XRGrab.tsx';
import { XRHandTracker } from './XRHandTracker.tsx';

// controller and hand models ship in assets/xr-profiles (never fetched from a CDN)
const baseAssetPath = new URL('xr-profiles/', document.baseURI).href;

/** Degrees per snap turn (right thumbstick left/right). */
export const SNAP_TURN_DEG = 30;
/** Size of the teleportable floor (m), the room's floor plane. */
const FLOOR_SIZE_M = 40;

/** The one XR store of the app; it lives in the XR chunk, loaded on first Enter VR / AR. */
export const xrStore = createXRStore({
  emulate: false,
  offerSession: false,
  baseAssetPath,
  defaultControllerProfileId: 'generic-trigger',
  defaultXRHandProfileId: 'generic-hand',
  // both controllers point (ray) and grab; the right one also aims teleports (thumbstick forward)
  controller: { left: {}, right: { teleportPointer: true } },
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

function Origin() {
  const origin = useRef<Group>(null);
  useEffect(() => connect(), []);
  // left thumbstick walks, right thumbstick snap-turns; both move the origin, and
  // locomotion.position keeps desktop and XR in one place
  useXRControllerLocomotion(origin, undefined, { type: 'snap', degrees: SNAP_TURN_DEG });
  useFrame(() => {
    const o = origin.current;
    if (!o) return;
    if (xrStore.getState().session) locomotion.position.copy(o.position);
    else o.position.copy(locomotion.position);
  });
  const teleport = (point: Vector3) => origin.current?.position.set(point.x, 0, point.z);
  return (
    <>
      <XROrigin ref={origin} />
      <XRHandTracker origin={origin} />
      <TeleportTarget onTeleport={teleport}>
        {/* invisible but hit by the teleport arc: the room's floor */}
        <mesh name="teleport-floor" rotation-x={-Math.PI / 2} position-y={0.001}>
          <planeGeometry args={[FLOOR_SIZE_M, FLOOR_SIZE_M]} />
          <meshBasicMaterial transparent opacity={0} depthWrite={false} />
        </mesh>
      </TeleportTarget>
    </>
  );
}

/**
 * Mounted inside the canvas once XR is wanted: controllers (ray, grab and teleport pointers), hands,
 * origin with walk / snap turn / teleport, proximity grab, AR hit-test placement.
 */
export function XRRoot() {
  return (
    <XR store={xrStore}>
      <Origin />
      <XRGrab />
      <ARPlacement />
    </XR>
  );
}
