import { describe, expect, it } from 'vitest';
import { selectAudible, type SpeakerView } from '../../server/voice/selectAudible.ts';

const speaker = (id: string, x: number, loudness: number, extra: Partial<SpeakerView> = {}): SpeakerView => ({
  id,
  x,
  y: 1.6,
  z: 0,
  forwardable: true,
  active: true,
  loudness,
  ...extra,
});
const listener = { id: 'me', x: 0, y: 1.6, z: 0 };
const pick = (speakers: SpeakerView[], floor: string[] = [], cap = 4) =>
  [...selectAudible(listener, speakers, new Set(floor), 10, cap, new Set())].sort();

describe('selectAudible', () => {
  it('keeps speakers within the hearing radius and drops the ones beyond', () => {
    expect(pick([speaker('near', 9.9, 1), speaker('far', 10.1, 1)])).toEqual(['near']);
  });

  it('caps at the K loudest', () => {
    const s = [speaker('a', 1, 0.5), speaker('b', 2, 0.9), speaker('c', 3, 0.1), speaker('d', 4, 0.7)];
    expect(pick(s, [], 2)).toEqual(['b', 'd']);
  });

  it('always includes the floor holder, wherever and however quiet, within the cap', () => {
    const s = [speaker('chair', 50, 0, { active: false }), speaker('a', 1, 0.9), speaker('b', 2, 0.8)];
    expect(pick(s, ['chair'], 2)).toEqual(['a', 'chair']);
  });

  it('never selects the listener itself, a muted or listen-only speaker, or a silent one', () => {
    const s = [
      speaker('me', 0, 1),
      speaker('muted', 1, 1, { forwardable: false }),
      speaker('silent', 1, 0, { active: false }),
      speaker('muted-chair', 1, 1, { forwardable: false }),
    ];
    expect(pick(s, ['muted-chair'])).toEqual([]);
  });

  it('reuses the output set and leaves nothing from a previous call', () => {
    const out = new Set(['stale']);
    selectAudible(listener, [speaker('a', 1, 1)], new Set(), 10, 4, out);
    expect([...out]).toEqual(['a']);
  });
});
