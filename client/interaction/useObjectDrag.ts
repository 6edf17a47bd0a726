import type { ThreeEvent } from '@react-three/fiber';
import { useContext } from 'react';
import { Vector3, type Ray } from 'three';
import { clientStore } from '../app/clientStore.ts';
import type { UiError } from '../i18n/uiError.ts';
import { CLICK_SLOP_PX } from '../controls/attachLookControls.ts';
import { lookState } from '../controls/DesktopControls.tsx';
import { RoomFeedContext } from '../room/RoomFeedContext.ts';
import { useRoomStoreApi } from '../room/RoomStoreContext.ts';
import type { ObjectKind, Pose } from '../state/RoomFeed.ts';
import { GRAB_RADIUS_M, grabSessionFor, type GrabSession } from './grabSession.ts';

/** The fields of an R3F event and of an @react-three/xr (pmndrs pointer-events) event used here. */
interface DragEvent {
  readonly instanceId?: number | undefined;
  readonly pointerId: number;
  readonly pointerType: string;
  readonly distance: number;
  readonly point: Vector3;
  readonly ray: Ray;
  readonly nativeEvent: { readonly clientX?: number; readonly clientY?: number; readonly button?: number };
  readonly target: unknown;
  stopPropagation(): void;
}

type MutablePose = { -readonly [K in keyof Pose]: Pose[K] };
const drag = {
  pointerId: -1,
  objectId: '',
  /** Along the ray, from its origin to the grabbed point. */
  distance: 0,
  begun: false,
  x0: 0,
  y0: 0,
};
const offset = new Vector3();
const _p = new Vector3();
const start: MutablePose = { x: 0, y: 0, z: 0, qx: 0, qy: 0, qz: 0, qw: 1 };
const notify = (notice: UiError) => clientStore.setState({ notice });

function capture(e: DragEvent) {
  const target = e.target as { setPointerCapture?: (id: number) => void } | null;
  target?.setPointerCapture?.(e.pointerId);
}

/** XR rays grab immediately; a mouse or finger starts a drag once it moved past the click slop. */
function beginIfMoved(session: GrabSession, e: DragEvent): void {
  if (drag.begun) return;
  const dx = (e.nativeEvent.clientX ?? drag.x0) - drag.x0;
  const dy = (e.nativeEvent.clientY ?? drag.y0) - drag.y0;
  if (e.pointerType !== 'ray' && Math.abs(dx) + Math.abs(dy) <= CLICK_SLOP_PX) return;
  drag.begun = session.begin(drag.objectId, e.pointerType === 'ray' ? 'ray' : 'pointer', start);
  if (!drag.begun) drag.pointerId = -1;
}

/**
 * Pointer handlers for one kind's instanced mesh: press on an object and drag it (desktop mouse,
 * touch, or an XR controller's ray), the object keeping the grabbed point under the pointer at the
 * grabbed distance; the room's lock is asked for first, every move goes through the RoomFeed and the
 * release sets it down. XR grab pointers and rays closer than GRAB_RADIUS_M are left to the proximity
 * grab (XRGrab). Without a feed (tests of the bare scene) there are no handlers.
 */
export function useObjectDrag(kind: ObjectKind) {
  const feed = useContext(RoomFeedContext);
  const store = useRoomStoreApi();
  if (!feed) return {};
  const session = grabSessionFor(feed, notify);
  return {
    onPointerDown(event: ThreeEvent<PointerEvent>) {
      const e = event as unknown as DragEvent;
      if (e.instanceId === undefined || drag.pointerId !== -1) return;
      if (e.pointerType === 'grab' || (e.nativeEvent.button ?? 0) !== 0) return;
      if (e.pointerType === 'ray' && e.distance < GRAB_RADIUS_M) return;
      const entry = store.getState().objectsByKind[kind][e.instanceId];
      if (!entry || session.state.pending || session.state.holding) return;
      const t = entry.track.to;
      [start.x, start.y, start.z, start.qx, start.qy, start.qz, start.qw] = [
        t[0]!,
        t[1]!,
        t[2]!,
        t[3]!,
        t[4]!,
        t[5]!,
        t[6]!,
      ];
      offset.set(t[0]!, t[1]!, t[2]!).sub(e.point);
      drag.pointerId = e.pointerId;
      drag.objectId = entry.id;
      drag.distance = e.ray.origin.distanceTo(e.point);
      drag.begun = false;
      drag.x0 = e.nativeEvent.clientX ?? 0;
      drag.y0 = e.nativeEvent.clientY ?? 0;
      e.stopPropagation();
      capture(e);
      lookState.controls?.claim(e.pointerId);
      beginIfMoved(session, e);
    },
    onPointerMove(event: ThreeEvent<PointerEvent>) {
      const e = event as unknown as DragEvent;
      if (e.pointerId !== drag.pointerId) return;
      beginIfMoved(session, e);
      if (!drag.begun) return;
      e.ray.at(drag.distance, _p).add(offset);
      session.follow(_p.x, _p.y, _p.z);
    },
    onPointerUp(event: ThreeEvent<PointerEvent>) {
      const e = event as unknown as DragEvent;
      if (e.pointerId !== drag.pointerId) return;
      if (drag.begun) session.end();
      drag.pointerId = -1;
      drag.begun = false;
    },
  };
}
