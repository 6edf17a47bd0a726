import type { MicState } from './voiceStore.ts';

/**
 * The browser's own voice processing, asked for on every capture: echo cancellation (others' voices
 * from the speakers), noise suppression and automatic gain.
 */
export const VOICE_CONSTRAINTS = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  channelCount: 1,
} as const satisfies MediaTrackConstraints;

/** A microphone, or why there is none. */
export type MicResult =
  { ok: true; stream: MediaStream } | { ok: false; state: Exclude<MicState, 'ok' | 'unknown'> };

/**
 * Opens the microphone (`deviceId`, or the default) with VOICE_CONSTRAINTS. A refusal never throws:
 * it says which kind (denied by the user or the site's permissions, no device, device busy, other),
 * so the participant enters muted with a message that names the fix.
 */
export async function openMicrophone(
  media: MediaDevices | undefined,
  deviceId: string | null,
): Promise<MicResult> {
  if (!media?.getUserMedia) return { ok: false, state: 'missing' };
  try {
    const audio = deviceId ? { ...VOICE_CONSTRAINTS, deviceId: { exact: deviceId } } : VOICE_CONSTRAINTS;
    return { ok: true, stream: await media.getUserMedia({ audio, video: false }) };
  } catch (error) {
    return { ok: false, state: micFailure(error) };
  }
}

/** The kind of a getUserMedia failure, from its DOMException name. */
export function micFailure(error: unknown): Exclude<MicState, 'ok' | 'unknown'> {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}

/** The audio inputs the browser lists (labels appear once a microphone was allowed; '' before). */
export async function listMicrophones(
  media: MediaDevices | undefined,
): Promise<{ deviceId: string; label: string }[]> {
  if (!media?.enumerateDevices) return [];
  const devices = await media.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'audioinput' && d.deviceId !== '' && d.deviceId !== 'default')
    .map((d) => ({ deviceId: d.deviceId, label: d.label }));
}

/** Stops every track of a stream (the browser's recording indicator goes off). */
export function stopStream(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
