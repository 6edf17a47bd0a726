import { useRef } from 'react';
import type { Object3D } from 'three';

/**
 * A ref that names a uikit component's object (they are meshes in the scene), so end-to-end tests
 * find a 3D key or button with `getObjectByName` and aim a controller at it.
 */
export function named(name: string): (object: Object3D | null) => void {
  return (object) => {
    if (object) object.name = name;
  };
}

/**
 * Press handlers for a 3D key or button: a press is a pointer going down then up on it, however long
 * it is held. A `click` is dropped when the trigger is held past the pointer library's 300 ms, which a
 * deliberate pull in a headset (or a slow frame) easily is.
 */
export function usePress(onPress: () => void) {
  const down = useRef(false);
  return {
    onPointerDown: () => void (down.current = true),
    onPointerLeave: () => void (down.current = false),
    onPointerUp: () => {
      if (!down.current) return;
      down.current = false;
      onPress();
    },
  };
}
