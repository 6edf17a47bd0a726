import type { MicState } from './voiceStore.ts';

/** The dictionary key of what to tell the participant about the microphone, or null when it works. */
export function micMessageKey(mic: MicState): string | null {
  switch (mic) {
    case 'denied':
      return 'voice.mic.denied';
    case 'missing':
      return 'voice.mic.missing';
    case 'busy':
      return 'voice.mic.busy';
    case 'failed':
      return 'voice.mic.failed';
    case 'ok':
    case 'unknown':
      return null;
  }
}
