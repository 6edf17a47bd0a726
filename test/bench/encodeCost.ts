/**
 * The per-patch encode cost of a spatial room's state, in process (no sockets, no load generator):
 * N avatars standing in a square, every pose changing each patch, encoded by Colyseus' own
 * SchemaSerializer for N clients, with views made two ways — one StateView per client holding the
 * avatars within NEAR_RADIUS_M (what SpatialRoom did before interest cells), and the room's
 * CellInterest (one view per occupied cell). Part of `npm run bench:realtime`: it shows what the
 * views cost apart from the machine's scheduling, which the echo ladders cannot.
 */
import { ClientState, SchemaSerializer, type Client } from '@colyseus/core';
import { Encoder, StateView } from '@colyseus/schema';
import { CellInterest } from '../../server/realtime/CellInterest.ts';
import { NEAR_RADIUS_M } from '../../shared/protocol/limits.ts';
import { Avatar, NEAR_TAG, POSE_KEYS, SpatialState } from '../../shared/schema/SpatialState.ts';

/** Patches per coarse refresh, as SpatialRoom slices them (POSE_HZ / COARSE_POSE_HZ). */
const SLICES = 5;
const PATCHES = 60;

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
  views: 'per-client' | 'cells',
  runs = 3,
): { msPerPatch: number; views: number } {
  encodeRoom(Math.min(n, 50), areaM, views);
  const results = Array.from({ length: runs }, () => encodeRoom(n, areaM, views));
  results.sort((a, b) => a.msPerPatch - b.msPerPatch);
  return results[Math.floor(runs / 2)]!;
}

function encodeRoom(
  n: number,
  areaM: number,
  views: 'per-client' | 'cells',
): { msPerPatch: number; views: number } {
  Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 128 * 1024);
  const random = rng(n * 31 + areaM);
  const state = new SpatialState();
  const serializer = new SchemaSerializer<SpatialState>();
  serializer.reset(state);
  const clients: FakeClient[] = [];
  const byId = new Map<string, FakeClient>();
  const interest = new CellInterest((id) => byId.get(id) as unknown as Client | undefined);
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
    if (views === 'cells') interest.join(c as unknown as Client, a);
  }
  if (views === 'per-client') {
    const r2 = NEAR_RADIUS_M * NEAR_RADIUS_M;
    for (const c of clients) {
      const me = state.avatars.get(c.sessionId)!;
      const view = (c.view = new StateView());
      state.avatars.forEach((o) => {
        if ((o.hx - me.hx) ** 2 + (o.hy - me.hy) ** 2 + (o.hz - me.hz) ** 2 <= r2) view.add(o, NEAR_TAG);
      });
    }
  }
  const all = clients as unknown as Client[];
  serializer.applyPatches(all, state);
  const slice: Avatar[] = [];
  let spent = 0;
  for (let tick = 1; tick <= PATCHES; tick += 1) {
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
    if (views === 'cells') interest.update(slice);
    serializer.applyPatches(all, state);
    const used = process.cpuUsage(t0);
    spent += (used.user + used.system) / 1000;
  }
  return { msPerPatch: spent / PATCHES, views: new Set(clients.map((c) => c.view)).size };
}
