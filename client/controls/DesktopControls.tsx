import { useFrame, useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import { clientStore, locomotion } from '../app/clientStore.ts';
import { attachKeyboardControls } from './attachKeyboardControls.ts';
import { attachLookControls, type LookControls } from './attachLookControls.ts';
import { applyLocomotion } from './locomotion.ts';

/** Set while the canvas is mounted: lets click handlers ignore the end of a look-drag. */
export const lookState: { controls: LookControls | null } = { controls: null };

/** WASD + drag-to-look (mouse or finger) outside XR; in XR the headset drives the camera. */
export function DesktopControls() {
  const element = useThree((s) => s.gl.domElement);
  useEffect(() => {
    const look = attachLookControls(element, locomotion);
    const detachKeys = attachKeyboardControls(window, locomotion);
    lookState.controls = look;
    return () => {
      lookState.controls = null;
      look.dispose();
      detachKeys();
    };
  }, [element]);
  useFrame(({ camera }, dt) => {
    const status = clientStore.getState().xrStatus;
    if (status === 'immersive-vr' || status === 'immersive-ar') return;
    applyLocomotion(locomotion, camera, dt);
  });
  return null;
}
