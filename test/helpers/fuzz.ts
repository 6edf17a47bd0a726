/**
 * Seeded randomness for fuzz suites: a reproducible generator (a failing run replays from its pinned
 * seed) and hostile values of every JSON-ish shape a client could send.
 */

/** mulberry32: small, seeded, reproducible; returns floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One element of `items`, picked by `r`. */
export function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

/** A well-formed v4 uuid drawn from `r`. */
export function seededUuid(r: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** Keys the room protocols use, so fuzzed objects often look almost right. */
const KEYS = [
  'h',
  'l',
  'r',
  'p',
  'q',
  's',
  'objectId',
  'text',
  'sessionId',
  'locked',
  'kind',
  'label',
  'mode',
  'j',
];

/** A random value: null, booleans, huge or odd numbers, long strings, uuids, poses, arrays, objects. */
export function fuzzValue(r: () => number, depth = 0, keys: readonly string[] = KEYS): unknown {
  switch (Math.floor(r() * 12)) {
    case 0:
      return null;
    case 1:
      return r() < 0.5;
    case 2:
      return (r() - 0.5) * 10 ** Math.floor(r() * 12);
    case 3:
      return Math.floor(r() * 2 ** 31);
    case 4:
      return 'x'.repeat(Math.floor(r() * 600));
    case 5:
      return seededUuid(r);
    case 6:
      return [0, 1.6, 0, 0, 0, 0, 1].map((v) => (r() < 0.9 ? v : v + (r() - 0.5) * 200));
    case 7:
      return depth > 2
        ? {}
        : Array.from({ length: Math.floor(r() * 5) }, () => fuzzValue(r, depth + 1, keys));
    case 8:
    case 9:
      if (depth > 2) return {};
      return Object.fromEntries(keys.filter(() => r() < 0.4).map((k) => [k, fuzzValue(r, depth + 1, keys)]));
    case 10:
      return Number.NaN;
    default:
      return undefined;
  }
}
