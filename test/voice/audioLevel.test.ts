import { describe, expect, it } from 'vitest';
import { RtpPacket } from 'werift';
import {
  audioLevelOf,
  LevelMeter,
  levelToPower,
  SPEAKING_HOLD_MS,
  SPEAKING_LEVEL,
} from '../../server/voice/audioLevel.ts';

/** An RTP packet as Chromium sends it: one-byte header extensions (0xBEDE), mid then audio level. */
function chromiumPacket(levelByte: number): Buffer {
  const header = Buffer.from([0x90, 111, 0x12, 0x34, 0, 0, 0x03, 0xc0, 0xde, 0xad, 0xbe, 0xef]);
  // profile 0xBEDE, length 2 words: [id 1, len 1: "0"] [id 2, len 1: level] + padding
  const ext = Buffer.from([0xbe, 0xde, 0x00, 0x02, 0x10, 0x30, 0x20, levelByte, 0x00, 0x00, 0x00, 0x00]);
  return Buffer.concat([header, ext, Buffer.alloc(40, 7)]);
}

describe('audioLevelOf', () => {
  it('reads the RFC 6464 level from a packet header without touching the payload', () => {
    const rtp = RtpPacket.deSerialize(chromiumPacket(0x80 | 23));
    expect(audioLevelOf(rtp.header.extensions, 2)).toBe(23);
    expect(rtp.payload.every((b) => b === 7)).toBe(true);
  });

  it('ignores the voice-activity bit and reads silence as 127', () => {
    expect(audioLevelOf([{ id: 3, payload: Buffer.from([0x7f]) }], 3)).toBe(127);
    expect(audioLevelOf([{ id: 3, payload: Buffer.from([0xff]) }], 3)).toBe(127);
  });

  it('answers undefined for a packet without the extension or with an empty one', () => {
    const rtp = RtpPacket.deSerialize(chromiumPacket(10));
    expect(audioLevelOf(rtp.header.extensions, 5)).toBeUndefined();
    expect(audioLevelOf([{ id: 2, payload: Buffer.alloc(0) }], 2)).toBeUndefined();
  });
});

describe('levelToPower', () => {
  it('is 1 at 0 dBov, a tenth per 10 dB below, and 0 for silence', () => {
    expect(levelToPower(0)).toBe(1);
    expect(levelToPower(10)).toBeCloseTo(0.1, 10);
    expect(levelToPower(127)).toBe(0);
  });
});

describe('LevelMeter', () => {
  it('turns speaking on after two speech-level packets, not one', () => {
    const m = new LevelMeter();
    expect(m.push(SPEAKING_LEVEL, 0)).toBe(false);
    expect(m.speaking).toBe(false);
    expect(m.push(SPEAKING_LEVEL - 5, 20)).toBe(true);
    expect(m.speaking).toBe(true);
  });

  it('holds speaking through a pause shorter than the hold, then lets go', () => {
    const m = new LevelMeter();
    m.push(20, 0);
    m.push(20, 20);
    m.push(127, 40);
    expect(m.tick(20 + SPEAKING_HOLD_MS)).toBe(false);
    expect(m.speaking).toBe(true);
    expect(m.tick(21 + SPEAKING_HOLD_MS)).toBe(true);
    expect(m.speaking).toBe(false);
  });

  it('never calls quiet audio speech, and ranks a louder speaker higher', () => {
    const quiet = new LevelMeter();
    const loud = new LevelMeter();
    for (let t = 0; t < 1000; t += 20) {
      quiet.push(SPEAKING_LEVEL + 10, t);
      loud.push(15, t);
    }
    expect(quiet.speaking).toBe(false);
    expect(loud.loudnessAt(1000)).toBeGreaterThan(100 * quiet.loudnessAt(1000));
  });

  it('decays loudness while no packet arrives and forgets everything on reset', () => {
    const m = new LevelMeter();
    for (let t = 0; t < 500; t += 20) m.push(10, t);
    expect(m.loudnessAt(2000)).toBeLessThan(m.loudnessAt(480) / 100);
    m.reset();
    expect(m.loudness).toBe(0);
    expect(m.speaking).toBe(false);
  });
});
