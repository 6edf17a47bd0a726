/**
 * The per-patch encode cost of a spatial room's state, in process (no sockets, no load generator):
 * N avatars standing in a square, every pose changing each patch, encoded by Colyseus' own
 * SchemaSerializer for N clients, with the room's CellInterest pinned to per-client views (one
 * StateView per client holding the avatars within NEAR_RADIUS_M), pinned to shared cell views (one
 * per occupied cell), or on `auto` (what SpatialRoom runs: the mode chosen from the occupancy, after
 * WARMUP_PATCHES so that it had its first looks). Part of `npm run bench:realtime`: it shows what the
 * views cost apart from the machine's scheduling, which the echo ladders cannot.
 */
import { ClientState, SchemaSerializer, type Client } from '@colyseus/core';
import { Encoder, type StateView } from '@colyseus/schema';
import {
  CellInterest,
  INTEREST_EVAL_PATCHES,
  type InterestMode,
} from '../../server/realtime/CellInterest.ts';
import { Avatar, POSE_KEYS, SpatialState } from '../../shared/schema/SpatialState.ts';

/** Patches per coarse refresh, as SpatialRoom slices them (POSE_HZ / COARSE_POSE_HZ). */
const SLICES = 5;
const PATCHES = 60;
/** Patches before measuring: `auto` looks at the occupancy every INTEREST_EVAL_PATCHES (and switches at most once per period). */
const WARMUP_PATCHES = 3 * INTEREST_EVAL_PATCHES;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FakeClient {
  sessionId: string;
  state: ClientState;
  view: StateView | undefined;
  raw(): void;
}

/**
 * CPU milliseconds of encoding per patch (the median of `runs` rooms, after one to warm the JIT;
 * CPU time, so a process the machine descheduled is not charged for it), and the distinct views.
 */
export function encodeCost(
  n: number,
  areaM: number,
  views: InterestMode | 'auto',
  runs = 3,
): { msPerPatch: number; views: number; mode: InterestMode } {
  encodeRoom(Math.min(n, 50), areaM, views);
  const results = Array.from({ length: runs }, () => encodeRoom(n, areaM, views));
  results.sort((a, b) => a.msPerPatch - b.msPerPatch);
  return results[Math.floor(runs / 2)]!;
}

function encodeRoom(
  n: number,
  areaM: number,
  views: InterestMode | 'auto',
): { msPerPatch: number; views: number; mode: InterestMode } {
  Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 128 * 1024);
  const random = rng(n * 31 + areaM);
  const state = new SpatialState();
  const serializer = new SchemaSerializer<SpatialState>();
  serializer.reset(state);
  const clients: FakeClient[] = [];
  const byId = new Map<string, FakeClient>();
  const interest = new CellInterest((id) => byId.get(id) as unknown as Client | undefined, views);
  for (let i = 0; i < n; i += 1) {
    const a = new Avatar();
    a.sessionId = `s${i}`;
    a.identityId = `i${i}`;
    a.displayName = `Avatar ${i}`;
    a.color = '#4f8cff';
    [a.hx, a.hy, a.hz] = [(random() - 0.5) * areaM, 1.6, (random() - 0.5) * areaM];
    state.avatars.set(a.sessionId, a);
    const c: FakeClient = { sessionId: a.sessionId, state: ClientState.JOINED, view: undefined, raw() {} };
    clients.push(c);
    byId.set(c.sessionId, c);
    interest.join(c as unknown as Client, a);
  }
  const all = clients as unknown as Client[];
  serializer.applyPatches(all, state);
  const slice: Avatar[] = [];
  let spent = 0;
  for (let tick = 1; tick <= WARMUP_PATCHES + PATCHES; tick += 1) {
    // head bob, a turn, hands swinging: every avatar's pose changes every patch
    state.avatars.forEach((a) => {
      a.hy = 1.6 + Math.sin(tick / 7 + a.hx) * 0.02;
      a.hqy = Math.sin(tick / 40 + a.hz) * 0.3;
      a.lx = a.hx - 0.25 + Math.sin(tick / 5) * 0.05;
      a.rx = a.hx + 0.25 - Math.sin(tick / 5) * 0.05;
      a.echo = tick;
    });
    const t0 = process.cpuUsage();
    let i = 0;
    slice.length = 0;
    state.avatars.forEach((a) => {
      if (i++ % SLICES !== tick % SLICES) return;
      for (const key of POSE_KEYS) a.coarse[key] = a[key];
      slice.push(a);
    });
    interest.update(slice);
    serializer.applyPatches(all, state);
    const used = process.cpuUsage(t0);
    if (tick > WARMUP_PATCHES) spent += (used.user + used.system) / 1000;
  }
  return {
    msPerPatch: spent / PATCHES,
    views: new Set(clients.map((c) => c.view)).size,
    mode: interest.mode,
  };
}
