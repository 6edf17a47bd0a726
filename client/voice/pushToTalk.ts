import type { VoiceStore } from './voiceStore.ts';

/** The desktop push-to-talk key (KeyboardEvent.code): held, the microphone is on. */
export const PUSH_TO_TALK_KEY = 'KeyV';

const isTyping = (e: KeyboardEvent) => {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));
};

/**
 * Holding PUSH_TO_TALK_KEY sets `talking` (typing in a field never does); losing the window's focus
 * lets go, so a key released elsewhere never leaves the microphone open. Returns a disposer.
 */
export function attachPushToTalk(store: VoiceStore, target: Window = window): () => void {
  const down = (e: KeyboardEvent) => {
    if (e.code !== PUSH_TO_TALK_KEY || e.repeat || isTyping(e)) return;
    store.setState({ talking: true });
  };
  const up = (e: KeyboardEvent) => {
    if (e.code === PUSH_TO_TALK_KEY) store.setState({ talking: false });
  };
  const blur = () => store.setState({ talking: false });
  target.addEventListener('keydown', down);
  target.addEventListener('keyup', up);
  target.addEventListener('blur', blur);
  return () => {
    target.removeEventListener('keydown', down);
    target.removeEventListener('keyup', up);
    target.removeEventListener('blur', blur);
  };
}
