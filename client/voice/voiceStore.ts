import { createStore } from 'zustand/vanilla';
import type { UiError } from '../i18n/uiError.ts';
import type { VoiceParticipant } from './VoiceSignal.ts';

/** Where the local participant is with the room's voice. */
export type VoicePhase = 'lobby' | 'joining' | 'live' | 'off';
/** What the microphone did when asked for. */
export type MicState = 'unknown' | 'ok' | 'denied' | 'missing' | 'busy' | 'failed';

export interface VoiceState {
  readonly phase: VoicePhase;
  readonly mic: MicState;
  /** Muted by the participant (the microphone track is off). */
  readonly muted: boolean;
  /** Muted by a moderator (the SFU forwards nothing; only a moderator lifts it). */
  readonly mutedByHost: boolean;
  /** The seat may moderate (host, moderator): offers muting one person or everyone. */
  readonly canModerate: boolean;
  /** The room's other seats (name, role, a moderator's mute, speaking), for a moderator's list. */
  readonly others: readonly VoiceParticipant[];
  /** Push-to-talk mode: the microphone is on only while `talking`. */
  readonly pushToTalk: boolean;
  /** The push-to-talk key or controller button is held. */
  readonly talking: boolean;
  readonly devices: readonly { readonly deviceId: string; readonly label: string }[];
  /** The chosen input device; null for the browser's default. */
  readonly deviceId: string | null;
  /** The last failure (a refusal of the room, the session ended, the connection failed), worded by code. */
  readonly error: UiError | null;
}

/** The voice's UI state (not per frame): controls render from it, the session acts on it. */
export type VoiceStore = ReturnType<typeof createVoiceStore>;

export function createVoiceStore() {
  return createStore<VoiceState>()(() => ({
    phase: 'lobby',
    mic: 'unknown',
    muted: false,
    mutedByHost: false,
    canModerate: false,
    others: [],
    pushToTalk: false,
    talking: false,
    devices: [],
    deviceId: null,
    error: null,
  }));
}

/** True when the microphone may send now: the participant's own choice (mute, push-to-talk) allows it. */
export function micOpen(s: Pick<VoiceState, 'muted' | 'pushToTalk' | 'talking' | 'mic'>): boolean {
  return s.mic === 'ok' && !s.muted && (!s.pushToTalk || s.talking);
}

/** The voice of this page (one room at a time): XR and desktop controls reach it here. */
export const voiceStore = createVoiceStore();
