import { OBJECT_KINDS, type ObjectKind } from './RoomFeed.ts';
import type { LocalRoomFeed } from './createLocalRoomFeed.ts';

/** Seeded PRNG (mulberry32): the same seed always builds the same room. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface MutablePose {
  x: number;
  y: number;
  z: number;
  qx: number;
  qy: number;
  qz: number;
  qw: number;
}

interface SimAvatar {
  id: string;
  identityId: string;
  displayName: string;
  color: string;
  speaking: boolean;
  head: MutablePose;
  left: MutablePose;
  right: MutablePose;
  cx: number;
  cz: number;
  phase: number;
}

export interface CrowdOptions {
  readonly avatars: number;
  readonly objects: number;
  readonly seed: number;
  /** Radius of the circle the avatars stand on, in metres. */
  readonly radius?: number;
}

export interface CrowdSimulation {
  /** Sends one pose patch for every simulated participant, as the room does at POSE_HZ. */
  step(nowMs: number): void;
}

const FIRST_NAMES = [
  'Alice',
  'Bob',
  'Chloé',
  'Daniel',
  'Émilie',
  'François',
  'Gabrielle',
  'Hugo',
  'Inès',
  'Jules',
];

function pose(x: number, y: number, z: number): MutablePose {
  return { x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 };
}

/**
 * Fills a local room with `avatars` moving participants and `objects` panels, cards and notes laid out
 * on shelves around them, all from `seed`. Snapshots are reused between patches (the store copies them).
 */
export function createCrowdSimulation(feed: LocalRoomFeed, options: CrowdOptions): CrowdSimulation {
  const random = createRandom(options.seed);
  const radius = options.radius ?? 6;
  const crowd: SimAvatar[] = [];
  for (let i = 0; i < options.avatars; i++) {
    const angle = (i / Math.max(1, options.avatars)) * Math.PI * 2;
    const ring = radius * (0.4 + 0.6 * random());
    const cx = Math.cos(angle) * ring;
    const cz = Math.sin(angle) * ring;
    const hue = Math.floor(random() * 360);
    crowd.push({
      id: `peer-${i}`,
      identityId: `identity-${i}`,
      displayName: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${i + 1}`,
      color: hslToHex(hue, 0.65, 0.55),
      speaking: false,
      head: pose(cx, 1.6, cz),
      left: pose(cx - 0.25, 1.1, cz),
      right: pose(cx + 0.25, 1.1, cz),
      cx,
      cz,
      phase: random() * Math.PI * 2,
    });
  }
  for (const a of crowd) feed.putAvatar(a);

  for (let i = 0; i < options.objects; i++) {
    const kind: ObjectKind = OBJECT_KINDS[i % OBJECT_KINDS.length]!;
    const column = Math.floor(i / 10);
    const angle = (column / Math.ceil(options.objects / 10)) * Math.PI * 2;
    const r = radius + 3 + (i % 2) * 0.5;
    const half = angle / 2 + Math.PI / 4;
    feed.putObject({
      id: `object-${i}`,
      kind,
      pose: {
        x: Math.cos(angle) * r,
        y: 0.4 + (i % 10) * 0.35,
        z: Math.sin(angle) * r,
        qx: 0,
        qy: Math.sin(half),
        qz: 0,
        qw: Math.cos(half),
      },
      scale: 1,
      heldBy: null,
      anchorId: null,
    });
  }

  return {
    step(nowMs) {
      const t = nowMs / 1000;
      for (const a of crowd) {
        const s = Math.sin(t + a.phase);
        const c = Math.cos(t * 0.7 + a.phase);
        a.head.x = a.cx + 0.2 * s;
        a.head.z = a.cz + 0.2 * c;
        a.head.y = 1.6 + 0.03 * Math.sin(t * 2 + a.phase);
        const yaw = 0.6 * s;
        a.head.qy = Math.sin(yaw / 2);
        a.head.qw = Math.cos(yaw / 2);
        a.left.x = a.head.x - 0.25;
        a.left.y = 1.1 + 0.15 * Math.sin(t * 3 + a.phase);
        a.left.z = a.head.z + 0.1 * c;
        a.right.x = a.head.x + 0.25;
        a.right.y = 1.1 + 0.15 * Math.cos(t * 3 + a.phase);
        a.right.z = a.head.z - 0.1 * c;
        a.speaking = Math.sin(t * 0.5 + a.phase * 3) > 0.6;
        feed.putAvatar(a);
      }
    },
  };
}

function hslToHex(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const hex = (x: number) =>
    Math.round(x * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(f(0))}${hex(f(8))}${hex(f(4))}`;
}
