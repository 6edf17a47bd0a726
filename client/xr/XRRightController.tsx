import { createPortal, useFrame, useThree } from '@react-three/fiber';
import {
  CombinedPointer,
  DefaultXRControllerGrabPointer,
  DefaultXRInputSourceRayPointer,
  PointerCursorModel,
  TeleportPointerRayModel,
  XRControllerModel,
  XRSpace,
  defaultRayPointerOpacity,
  useLinesPointer,
  usePointerXRInputSourceEvents,
  useXRInputSourceStateContext,
} from '@react-three/xr';
import { buildTeleportTargetFilter, createTeleportRayLine } from '@pmndrs/xr';
import { Suspense, useMemo, useRef } from 'react';
import type { Group, Mesh } from 'three';
import { followTeleportAim } from './teleportAim.ts';

/**
 * @react-three/xr's teleport pointer with the arc aimed by `followTeleportAim` (its own aim overshoots
 * the controller on frames longer than 100 ms). Same arc, filter, models and select events.
 */
function TeleportPointer() {
  const state = useXRInputSourceStateContext('controller');
  const space = useRef<Group>(null);
  const rayGroup = useRef<Group>(null);
  const cursor = useRef<Mesh>(null);
  // the library's own arc and target filter (only objects inside a <TeleportTarget>)
  const linePoints = useMemo(createTeleportRayLine, []);
  const filter = useMemo(() => buildTeleportTargetFilter(), []);
  const pointer = useLinesPointer(rayGroup, state, { linePoints, filter }, 'teleport');
  usePointerXRInputSourceEvents(pointer, state.inputSource, 'select', state.events);
  const scene = useThree((s) => s.scene);
  useFrame((_, delta) => {
    if (cursor.current) cursor.current.visible = pointer.getEnabled() && pointer.getButtonsDown().size > 0;
    if (space.current && rayGroup.current) followTeleportAim(space.current, rayGroup.current, delta * 1000);
  });
  return (
    <>
      <XRSpace ref={space} space="target-ray-space" />
      {createPortal(
        <group ref={rayGroup}>
          <TeleportPointerRayModel
            linePoints={linePoints}
            pointer={pointer}
            opacity={defaultRayPointerOpacity}
          />
          <PointerCursorModel ref={cursor} pointer={pointer} opacity={defaultRayPointerOpacity} />
        </group>,
        scene,
      )}
    </>
  );
}

/**
 * The right controller: @react-three/xr's default controller (model, grab pointer, ray pointer, one
 * active at a time by nearest hit) with the steady teleport pointer above.
 */
export function XRRightController() {
  return (
    <>
      <Suspense>
        <XRControllerModel />
      </Suspense>
      <CombinedPointer>
        <DefaultXRControllerGrabPointer />
        <DefaultXRInputSourceRayPointer makeDefault minDistance={0.2} />
        <TeleportPointer />
      </CombinedPointer>
    </>
  );
}
