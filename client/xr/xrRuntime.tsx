import { useFrame } from '@react-three/fiber';
import { XR, XROrigin, createXRStore, useXRControllerLocomotion } from '@react-three/xr';
import { useEffect, useRef } from 'react';
import type { Group } from 'three';
import { clientStore, locomotion } from '../app/clientStore.ts';

// controller and hand models ship in assets/xr-profiles (never fetched from a CDN)
const baseAssetPath = new URL('xr-profiles/', document.baseURI).href;

/** The one XR store of the app; it lives in the XR chunk, loaded on first Enter VR / AR. */
export const xrStore = createXRStore({
  emulate: false,
  offerSession: false,
  baseAssetPath,
  defaultControllerProfileId: 'generic-trigger',
  defaultXRHandProfileId: 'generic-hand',
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
  // thumbstick walk and snap turn move the origin; locomotion.position keeps desktop and XR in one place
  useXRControllerLocomotion(origin);
  useFrame(() => {
    const o = origin.current;
    if (!o) return;
    if (xrStore.getState().session) locomotion.position.copy(o.position);
    else o.position.copy(locomotion.position);
  });
  return <XROrigin ref={origin} />;
}

/** Mounted inside the canvas once XR is wanted: controllers, hands, origin. */
export function XRRoot() {
  return (
    <XR store={xrStore}>
      <Origin />
    </XR>
  );
}
