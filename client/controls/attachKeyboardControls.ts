import type { Locomotion } from './locomotion.ts';

const FORWARD: Readonly<Record<string, number>> = { KeyW: 1, ArrowUp: 1, KeyS: -1, ArrowDown: -1 };
const RIGHT: Readonly<Record<string, number>> = { KeyD: 1, ArrowRight: 1, KeyA: -1, ArrowLeft: -1 };

/** WASD / arrow keys walk. Returns a disposer. Ignores keys typed into form fields. */
export function attachKeyboardControls(target: Window, loc: Locomotion): () => void {
  const down = new Set<string>();
  const recompute = () => {
    loc.forward = 0;
    loc.right = 0;
    for (const code of down) {
      loc.forward += FORWARD[code] ?? 0;
      loc.right += RIGHT[code] ?? 0;
    }
  };
  const isTyping = (e: KeyboardEvent) =>
    e.target instanceof HTMLElement &&
    (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
  const onDown = (e: KeyboardEvent) => {
    if (isTyping(e) || !(e.code in FORWARD || e.code in RIGHT)) return;
    down.add(e.code);
    recompute();
  };
  const onUp = (e: KeyboardEvent) => {
    if (down.delete(e.code)) recompute();
  };
  const onBlur = () => {
    down.clear();
    recompute();
  };
  target.addEventListener('keydown', onDown);
  target.addEventListener('keyup', onUp);
  target.addEventListener('blur', onBlur);
  return () => {
    target.removeEventListener('keydown', onDown);
    target.removeEventListener('keyup', onUp);
    target.removeEventListener('blur', onBlur);
    onBlur();
  };
}
