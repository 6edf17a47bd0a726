import type { Locomotion } from './locomotion.ts';

/**
 * A touch joystick: `base` is a round element, `knob` its child. The finger's offset from the base
 * centre, over the base radius, becomes the walk intent. Returns a disposer.
 */
export function attachJoystick(base: HTMLElement, knob: HTMLElement, loc: Locomotion): () => void {
  let active: number | null = null;
  const release = () => {
    active = null;
    loc.forward = 0;
    loc.right = 0;
    knob.style.transform = '';
  };
  const follow = (e: PointerEvent) => {
    const rect = base.getBoundingClientRect();
    const radius = rect.width / 2;
    let dx = (e.clientX - (rect.left + radius)) / radius;
    let dy = (e.clientY - (rect.top + radius)) / radius;
    const length = Math.hypot(dx, dy);
    if (length > 1) {
      dx /= length;
      dy /= length;
    }
    loc.right = dx;
    loc.forward = -dy;
    knob.style.transform = `translate(${dx * radius}px, ${dy * radius}px)`;
  };
  const onDown = (e: PointerEvent) => {
    e.stopPropagation();
    if (active !== null) return;
    active = e.pointerId;
    base.setPointerCapture(e.pointerId);
    follow(e);
  };
  const onMove = (e: PointerEvent) => {
    if (e.pointerId === active) follow(e);
  };
  const onUp = (e: PointerEvent) => {
    if (e.pointerId === active) release();
  };
  base.addEventListener('pointerdown', onDown);
  base.addEventListener('pointermove', onMove);
  base.addEventListener('pointerup', onUp);
  base.addEventListener('pointercancel', onUp);
  return () => {
    base.removeEventListener('pointerdown', onDown);
    base.removeEventListener('pointermove', onMove);
    base.removeEventListener('pointerup', onUp);
    base.removeEventListener('pointercancel', onUp);
    release();
  };
}
