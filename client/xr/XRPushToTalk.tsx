import { useFrame } from '@react-three/fiber';
import { useXRInputSourceState } from '@react-three/xr';
import { voiceStore } from '../voice/voiceStore.ts';

/** The controller button that talks while held (xr-standard mapping: the left controller's X). */
export const XR_PUSH_TO_TALK_BUTTON = 'x-button';

const held = { value: false };

/**
 * Push-to-talk in VR/AR: holding the left controller's X button sets the voice's `talking`, read
 * every frame from the gamepad; a store update only when it changes.
 */
export function XRPushToTalk() {
  const left = useXRInputSourceState('controller', 'left');
  useFrame(() => {
    const pressed = left?.gamepad[XR_PUSH_TO_TALK_BUTTON]?.state === 'pressed';
    if (pressed === held.value) return;
    held.value = pressed;
    voiceStore.setState({ talking: pressed });
  });
  return null;
}
