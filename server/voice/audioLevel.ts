/**
 * Loudness from the RTP audio-level header extension (RFC 6464), read from the packet header without
 * decoding the audio: one byte, V (voice activity) in the top bit, then the level as 0..127 -dBov
 * (0 loudest, 127 silence).
 */

/** The extension's URI, as SDP names it in `a=extmap`. */
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/** A level at or under this (-dBov) counts as speech: -45 dBov and louder. */
export const SPEAKING_LEVEL = 45;
/** Packets at speech level in a row before `speaking` turns on (a click is not speech). */
const SPEAKING_ONSET_PACKETS = 2;
/** `speaking` stays on this long after the last speech-level packet (the pauses between words). */
export const SPEAKING_HOLD_MS = 600;
/** Time constant of the loudness average used to rank speakers. */
const LOUDNESS_TAU_MS = 300;

/** One RTP header extension as parsed from the packet (id + raw payload). */
export interface HeaderExtension {
  id: number;
  payload: Uint8Array;
}

/** The audio level of one packet: 0..127 (-dBov), or undefined when the packet carries none. */
export function audioLevelOf(
  extensions: readonly HeaderExtension[],
  extensionId: number,
): number | undefined {
  for (const e of extensions) {
    if (e.id === extensionId) return e.payload.length > 0 ? e.payload[0]! & 0x7f : undefined;
  }
  return undefined;
}

/** Linear power of a level: 1 at 0 dBov, 0 for silence (127). */
export function levelToPower(level: number): number {
  return level >= 127 ? 0 : 10 ** (-level / 10);
}

/**
 * One speaker's loudness over time, fed packet by packet: a smoothed power that ranks speakers, and
 * `speaking` with an onset (SPEAKING_ONSET_PACKETS) and a hold (SPEAKING_HOLD_MS).
 */
export class LevelMeter {
  /** Smoothed linear power (LOUDNESS_TAU_MS), decayed to the time of the last packet. */
  loudness = 0;
  speaking = false;
  /** When speech was last heard (ms, the caller's clock); -Infinity before any. */
  lastSpeechAtMs = -Infinity;
  private lastAtMs = -Infinity;
  private run = 0;

  /** Feeds one packet's level at `nowMs`; returns true when `speaking` changed. */
  push(level: number, nowMs: number): boolean {
    const dt = Math.max(0, nowMs - this.lastAtMs);
    const keep = Number.isFinite(dt) ? Math.exp(-dt / LOUDNESS_TAU_MS) : 0;
    this.loudness = this.loudness * keep + levelToPower(level) * (1 - keep);
    this.lastAtMs = nowMs;
    if (level <= SPEAKING_LEVEL) {
      this.run += 1;
      if (this.run >= SPEAKING_ONSET_PACKETS) this.lastSpeechAtMs = nowMs;
    } else {
      this.run = 0;
    }
    return this.tick(nowMs);
  }

  /** Loudness as of `nowMs` (decays while no packet arrives). */
  loudnessAt(nowMs: number): number {
    return this.loudness * Math.exp(-Math.max(0, nowMs - this.lastAtMs) / LOUDNESS_TAU_MS);
  }

  /** Re-evaluates `speaking` at `nowMs` (packets may simply stop); true when it changed. */
  tick(nowMs: number): boolean {
    const speaking = nowMs - this.lastSpeechAtMs <= SPEAKING_HOLD_MS;
    if (speaking === this.speaking) return false;
    this.speaking = speaking;
    return true;
  }

  /** Forgets everything (muted, or the speaker's stream restarted). */
  reset(): void {
    this.loudness = 0;
    this.speaking = false;
    this.lastSpeechAtMs = -Infinity;
    this.lastAtMs = -Infinity;
    this.run = 0;
  }
}
