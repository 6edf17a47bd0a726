/** What a press handler is told: the input source whose primary action (trigger, pinch, tap) it is. */
export interface SelectPressHandlers {
  /** The primary action of `source` went down (the first of its selectstart / select). */
  press(source: XRInputSource): void;
  /** It came up having completed a select (a cancelled action, selectend without select, is not one). */
  release(source: XRInputSource): void;
}

/**
 * Follows each input source's primary action through the session's selectstart / select / selectend,
 * whatever order the runtime sends the first two in: the WebXR spec sends selectstart at the press and
 * select just before selectend at the release, IWER 2.5 sends select then selectstart at the press and
 * only selectend at the release. `press` fires once per action at its start, `release` at its selectend
 * when a select was seen. Returns a disposer.
 */
export function trackSelectPresses(session: EventTarget, handlers: SelectPressHandlers): () => void {
  /** Input sources whose action is down: whether a select was seen for it yet. */
  const down = new Map<XRInputSource, boolean>();
  const sourceOf = (e: Event) => (e as XRInputSourceEvent).inputSource;
  const onStart = (e: Event) => {
    const source = sourceOf(e);
    if (down.has(source)) return;
    down.set(source, false);
    handlers.press(source);
  };
  const onSelect = (e: Event) => {
    const source = sourceOf(e);
    if (!down.has(source)) handlers.press(source);
    down.set(source, true);
  };
  const onEnd = (e: Event) => {
    const source = sourceOf(e);
    const selected = down.get(source);
    down.delete(source);
    if (selected) handlers.release(source);
  };
  session.addEventListener('selectstart', onStart);
  session.addEventListener('select', onSelect);
  session.addEventListener('selectend', onEnd);
  return () => {
    session.removeEventListener('selectstart', onStart);
    session.removeEventListener('select', onSelect);
    session.removeEventListener('selectend', onEnd);
    down.clear();
  };
}
