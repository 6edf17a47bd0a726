/**
 * The voice interface's words, in one place (English; the dictionaries of the client's i18n take
 * them over as a `voice` section).
 */
export const voiceText = {
  lobbyTitle: 'Voice',
  lobbyHint:
    'Check your microphone, then join the room’s voice. You hear people near you, and the meeting’s speaker anywhere in the room.',
  device: 'Microphone',
  defaultDevice: 'Default microphone',
  meter: 'Microphone level',
  join: 'Join voice',
  joinMuted: 'Join muted',
  joining: 'Joining voice…',
  leave: 'Leave voice',
  mute: 'Mute',
  unmute: 'Unmute',
  pushToTalk: 'Push to talk',
  pushToTalkHint: 'Hold V (desktop) or the X button (left controller) to talk.',
  talking: 'Talking',
  mutedByHost: 'A moderator muted you: others cannot hear you until they unmute you.',
  muteAll: 'Mute everyone',
  micDenied:
    'Microphone blocked: you joined muted and can still listen. Allow the microphone for this site in the browser’s settings, then choose a microphone again.',
  micMissing: 'No microphone found: you joined muted and can still listen. Connect one, then choose it here.',
  micBusy: 'The microphone is in use by another application: you joined muted and can still listen.',
  micFailed: 'The microphone could not start: you joined muted and can still listen.',
  unavailable: 'Voice is not available right now',
  ended: 'Voice ended',
} as const;
