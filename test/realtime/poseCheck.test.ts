import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HAND_JOINTS, ROOM_HALF_EXTENT_M } from '../../shared/protocol/limits.ts';
import { isPlainPose } from '../../shared/protocol/poseCheck.ts';
import { spatialClientSchemas } from '../../shared/protocol/spatialProtocol.ts';

/**
 * The pose fast path (shared/protocol/poseCheck.ts) against the pose's zod schema, the authority:
 * whatever it accepts, the schema accepts (it may never let through what the schema refuses), and
 * the poses clients really send it accepts (else it would spare nothing).
 */
const schema = spatialClientSchemas.pose;
const E = ROOM_HALF_EXTENT_M;

const coord = fc.double({ min: -E, max: E, noNaN: true });
const unit = fc.double({ min: -1, max: 1, noNaN: true });
const part = fc.tuple(coord, coord, coord, unit, unit, unit, unit);
const joints = fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: HAND_JOINTS * 6 });
const stamp = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const validPose = fc.record(
  { h: part, l: part, r: part, j: joints, t: stamp },
  { requiredKeys: ['h', 'l', 'r'] },
);

/** Numbers at and around every bound the schema has, and the ones JSON and msgpack can carry oddly. */
const edgeNumber = fc.constantFrom(
  NaN,
  Infinity,
  -Infinity,
  -0,
  E,
  -E,
  E + 1e-9,
  -E - 1e-9,
  1,
  -1,
  1 + Number.EPSILON,
  -1 - Number.EPSILON,
  0.5,
  2 ** 32 - 1,
  2 ** 32,
  -1,
  32767,
  32768,
  -32769,
  Number.MAX_SAFE_INTEGER + 2,
);
const anyValue = fc.oneof(fc.anything(), edgeNumber, fc.constant(undefined), fc.constant(null));

/** A valid pose with one thing changed: a value, a length, a key added or removed, a type swapped. */
const nearPose = fc
  .tuple(
    validPose,
    fc.constantFrom('h', 'l', 'r', 'j', 't', 'x', '__proto__', 'constructor'),
    fc.nat(200),
    anyValue,
    fc.constantFrom('value', 'push', 'pop', 'replace', 'delete', 'toString'),
  )
  .map(([pose, key, index, value, how]) => {
    const m: Record<string, unknown> = { ...pose };
    const target = m[key];
    if (Array.isArray(target)) {
      const copy = [...(target as unknown[])];
      if (how === 'push') copy.push(value);
      else if (how === 'pop') copy.pop();
      else if (how === 'toString') return { ...m, [key]: copy.join(',') };
      else copy[index % (copy.length + 1)] = value;
      m[key] = copy;
    } else if (how === 'delete') {
      return Object.fromEntries(Object.entries(m).filter(([k]) => k !== key));
    } else {
      Object.defineProperty(m, key, { value, enumerable: true, configurable: true, writable: true });
    }
    return m;
  });

describe('pose fast path (poseCheck.ts)', () => {
  it('accepts the poses clients send, as the schema does', () => {
    fc.assert(
      fc.property(validPose, (pose) => {
        expect(schema.safeParse(pose).success).toBe(true);
        expect(isPlainPose(pose)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts what the schema refuses: near misses and anything at all', () => {
    let refusedBySchema = 0;
    fc.assert(
      fc.property(fc.oneof(nearPose, anyValue, fc.dictionary(fc.string(), anyValue)), (m) => {
        const schemaSays = schema.safeParse(m).success;
        if (!schemaSays) refusedBySchema++;
        if (isPlainPose(m)) expect(schemaSays).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    // the generator does reach the refusals it is meant to probe
    expect(refusedBySchema).toBeGreaterThan(5_000);
  });

  it('refuses each hostile form the schema refuses', () => {
    const ok = [0, 1.6, 0, 0, 0, 0, 1];
    const hostile: unknown[] = [
      { h: ok, l: ok },
      { h: ok, l: ok, r: [0, 1.6, 0, 0, 0, 0] },
      { h: ok, l: ok, r: [...ok, 0] },
      { h: ok, l: ok, r: [0, NaN, 0, 0, 0, 0, 1] },
      { h: ok, l: ok, r: [0, E + 1, 0, 0, 0, 0, 1] },
      { h: ok, l: ok, r: [0, 0, 0, 1.5, 0, 0, 1] },
      { h: ok, l: ok, r: [0, '1', 0, 0, 0, 0, 1] },
      { h: ok, l: ok, r: ok, t: -1 },
      { h: ok, l: ok, r: ok, t: 1.5 },
      { h: ok, l: ok, r: ok, t: 2 ** 32 },
      { h: ok, l: ok, r: ok, j: [40000] },
      { h: ok, l: ok, r: ok, j: new Array(HAND_JOINTS * 6 + 1).fill(0) },
      { h: ok, l: ok, r: ok, extra: 1 },
      [ok, ok, ok],
      null,
      'pose',
    ];
    for (const m of hostile) {
      expect(schema.safeParse(m).success, JSON.stringify(m)).toBe(false);
      expect(isPlainPose(m), JSON.stringify(m)).toBe(false);
    }
  });
});
