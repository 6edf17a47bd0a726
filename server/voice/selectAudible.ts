/**
 * Interest management for audio: which speakers one listener receives. Pure, so the rule is tested
 * apart from the SFU that applies it.
 */

/** A speaker as the selection sees it. */
export interface SpeakerView {
  readonly id: string;
  /** Head position (m). */
  readonly x: number;
  readonly y: number;
  readonly z: number;
  /** May be forwarded at all: publishing, not muted by a moderator. */
  readonly forwardable: boolean;
  /** Spoke recently (speech-level audio within the selection hold). */
  readonly active: boolean;
  /** Smoothed linear power: ranks speakers. */
  readonly loudness: number;
}

/** A listener: where its head is. */
export interface ListenerView {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

const candidates: SpeakerView[] = [];
const byLoudness = (a: SpeakerView, b: SpeakerView) => b.loudness - a.loudness || (a.id < b.id ? -1 : 1);

/**
 * Fills `out` with the speakers `listener` receives: the meeting's current speakers (`floor`, heard
 * room-wide) first, then the loudest active speakers within `radiusM`, `cap` in all. Never the
 * listener itself, never a speaker that may not be forwarded.
 */
export function selectAudible(
  listener: ListenerView,
  speakers: Iterable<SpeakerView>,
  floor: ReadonlySet<string>,
  radiusM: number,
  cap: number,
  out: Set<string>,
): Set<string> {
  out.clear();
  candidates.length = 0;
  const r2 = radiusM * radiusM;
  for (const s of speakers) {
    if (s.id === listener.id || !s.forwardable) continue;
    if (floor.has(s.id)) {
      if (out.size < cap) out.add(s.id);
      continue;
    }
    if (!s.active) continue;
    const dx = s.x - listener.x;
    const dy = s.y - listener.y;
    const dz = s.z - listener.z;
    if (dx * dx + dy * dy + dz * dz <= r2) candidates.push(s);
  }
  if (candidates.length > cap - out.size) candidates.sort(byLoudness);
  for (let i = 0; i < candidates.length && out.size < cap; i += 1) out.add(candidates[i]!.id);
  candidates.length = 0;
  return out;
}
