import { turn, type Locomotion } from './locomotion.ts';

/** Pointer travel (px) past which a press is a look-drag, not a click or tap. */
export const CLICK_SLOP_PX = 6;

export interface LookControls {
  /** True when the last press moved past CLICK_SLOP_PX: its click must not interact. */
  wasDrag(): boolean;
  /** The scene took this pointer (an object drag): it stops turning the view until released. */
  claim(pointerId: number): void;
  dispose(): void;
}

/**
 * Drag to look, with the mouse or one finger (desktop and mobile alike); a press that does not move
 * stays a click/tap for the scene. Pointers that start on the joystick are the joystick's.
 */
export function attachLookControls(element: HTMLElement, loc: Locomotion): LookControls {
  let active: number | null = null;
  let lastX = 0;
  let lastY = 0;
  let travel = 0;
  let dragged = false;
  let claimed: number | null = null;
  const onDown = (e: PointerEvent) => {
    if (active !== null) return;
    active = e.pointerId;
    lastX = e.clientX;
    lastY = e.clientY;
    travel = 0;
    dragged = false;
  };
  const onMove = (e: PointerEvent) => {
    if (e.pointerId !== active) return;
    const dx = e.clientX - lastX;
    const dy = e.clientY - lastY;
    lastX = e.clientX;
    lastY = e.clientY;
    travel += Math.abs(dx) + Math.abs(dy);
    if (travel > CLICK_SLOP_PX) dragged = true;
    if (dragged && e.pointerId !== claimed) turn(loc, dx, dy);
  };
  const onUp = (e: PointerEvent) => {
    if (e.pointerId === active) active = null;
    if (e.pointerId === claimed) claimed = null;
  };
  element.addEventListener('pointerdown', onDown);
  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', onUp);
  window.addEventListener('pointercancel', onUp);
  return {
    wasDrag: () => dragged,
    claim(pointerId) {
      claimed = pointerId;
    },
    dispose() {
      element.removeEventListener('pointerdown', onDown);
      window.removeEventListener('pointermove', onMove);
      window.removeEventListener('pointerup', onUp);
      window.removeEventListener('pointercancel', onUp);
    },
  };
}
