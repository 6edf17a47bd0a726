import { voiceText } from './voiceText.ts';
import type { MicState } from './voiceStore.ts';

/** What to tell the participant about the microphone, or null when it works (or was not asked yet). */
export function micMessage(mic: MicState): string | null {
  switch (mic) {
    case 'denied':
      return voiceText.micDenied;
    case 'missing':
      return voiceText.micMissing;
    case 'busy':
      return voiceText.micBusy;
    case 'failed':
      return voiceText.micFailed;
    case 'ok':
    case 'unknown':
      return null;
  }
}
