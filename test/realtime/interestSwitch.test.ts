/**
 * A SpatialRoom's interest switching between per-client views and shared cell views (CellInterest
 * 'auto'), in process: Colyseus' own SchemaSerializer encodes the patches, and each client decodes
 * them into its own state with a real Decoder, so what is checked is what a client would hold.
 * The same walk (sparse, dense, sparse, dense, with joins and leaves) runs with each mode pinned and
 * with 'auto'; after every phase each client must hold exactly what its mode's rule gives, always
 * every avatar within NEAR_RADIUS_M, with every value current; and after every patch, across the
 * switches, an avatar that stayed in a client's view was not sent again (the client's own mark on its
 * joints survives), one that came into view came whole (its joints with it), and every avatar whose
 * coarse head is within NEAR_RADIUS_M of the client's own is held at full rate (heads move at full
 * rate and their coarse copies follow with their slices, as in SpatialRoom).
 */
import { ClientState, SchemaSerializer, type Client } from '@colyseus/core';
import { Decoder } from '@colyseus/schema';
import { describe, expect, it } from 'vitest';
import {
  CellInterest,
  INTEREST_CELL_M,
  INTEREST_EVAL_PATCHES,
  type InterestMode,
} from '../../server/realtime/CellInterest.ts';
import { NEAR_RADIUS_M } from '../../shared/protocol/limits.ts';
import { Avatar, POSE_KEYS, SpatialState } from '../../shared/schema/SpatialState.ts';
import { rng } from '../helpers/fuzz.ts';

const SLICES = 5;
/** What a client writes over the joints it received (the server never sends it). */
const SEEN = '(seen)';
/** Patches a phase lasts: long enough for two occupancy looks and every slice's refresh. */
const PHASE_PATCHES = 2 * INTEREST_EVAL_PATCHES + 2 * SLICES;

interface FakeClient {
  sessionId: string;
  state: ClientState;
  view: unknown;
  decoded: SpatialState;
  decoder: Decoder<SpatialState>;
  raw(bytes: Uint8Array): void;
}

function fakeClient(sessionId: string): FakeClient {
  const decoded = new SpatialState();
  const decoder = new Decoder(decoded);
  const c: FakeClient = {
    sessionId,
    state: ClientState.JOINED,
    view: undefined,
    decoded,
    decoder,
    raw(bytes) {
      decoder.decode(bytes, { offset: 1 });
    },
  };
  return c;
}

const cellKey = (x: number, z: number) =>
  `${Math.floor(x / INTEREST_CELL_M)},${Math.floor(z / INTEREST_CELL_M)}`;

/** The cells rule, computed here from the geometry: avatars in a cell whose nearest point is within the radius of the viewer's cell. */
function inRegion(viewer: Avatar, other: Avatar): boolean {
  const [vi, vj] = cellKey(viewer.hx, viewer.hz).split(',').map(Number) as [number, number];
  const [oi, oj] = cellKey(other.hx, other.hz).split(',').map(Number) as [number, number];
  const gap =
    INTEREST_CELL_M * Math.hypot(Math.max(0, Math.abs(oi - vi) - 1), Math.max(0, Math.abs(oj - vj) - 1));
  return gap <= NEAR_RADIUS_M;
}

const near = (a: Avatar, b: Avatar) =>
  (a.hx - b.hx) ** 2 + (a.hy - b.hy) ** 2 + (a.hz - b.hz) ** 2 <= NEAR_RADIUS_M * NEAR_RADIUS_M;

type Phase = 'sparse' | 'dense';
const WALK: Phase[] = ['sparse', 'dense', 'sparse', 'dense', 'sparse'];

interface PhaseResult {
  mode: InterestMode;
  /** Per client: the avatars within NEAR_RADIUS_M it holds at full rate (all of them, or the check failed). */
  nearHeld: Record<string, string[]>;
  /** Per client: the avatars it holds, each with its coarse position. */
  coarse: Record<string, string[]>;
}

function runWalk(policy: InterestMode | 'auto'): { phases: PhaseResult[]; switches: number } {
  const random = rng(42);
  const state = new SpatialState();
  const serializer = new SchemaSerializer<SpatialState>();
  serializer.reset(state);
  const clients = new Map<string, FakeClient>();
  const interest = new CellInterest((id) => clients.get(id) as unknown as Client | undefined, policy);
  const heldBefore = new Map<string, Set<string>>();
  const joining: FakeClient[] = [];
  const justConfirmed = new Set<string>();
  let nextId = 0;
  let tick = 0;

  /** Moves an avatar's full-rate head (its coarse copy follows with its slice, as in SpatialRoom). */
  const place = (a: Avatar, phase: Phase) => {
    const side = phase === 'sparse' ? 40 : 2.5;
    [a.hx, a.hy, a.hz] = [(random() - 0.5) * side, 1.6, (random() - 0.5) * side];
  };
  const join = (phase: Phase) => {
    const a = new Avatar();
    a.sessionId = `s${nextId}`;
    a.identityId = `i${nextId}`;
    a.displayName = `Avatar ${nextId}`;
    a.joints = `j${nextId}`;
    nextId += 1;
    place(a, phase);
    // a joiner's coarse pose is where it stands (SpatialRoom restores both)
    for (const key of POSE_KEYS) a.coarse[key] = a[key];
    state.avatars.set(a.sessionId, a);
    const c = fakeClient(a.sessionId);
    clients.set(c.sessionId, c);
    heldBefore.set(c.sessionId, new Set());
    interest.join(c as unknown as Client, a);
    c.state = ClientState.JOINING;
    joining.push(c);
  };
  /** As Colyseus does once a client confirms its join (after a patch at least): the whole state through its view. */
  const confirm = (c: FakeClient) => {
    c.state = ClientState.JOINED;
    c.raw(serializer.getFullState(c as unknown as Client));
    // what the full state gave it is held; its joints are marked so that a second sending shows
    c.decoded.avatars.forEach((d, id) => {
      if (!d.joints) return;
      d.joints = SEEN;
      heldBefore.get(c.sessionId)!.add(id);
    });
  };
  const leave = (sessionId: string) => {
    interest.leave(sessionId, state.avatars.get(sessionId));
    state.avatars.delete(sessionId);
    clients.delete(sessionId);
  };
  /** What a client holds at full rate: the avatars whose echo is this patch's. */
  const heldBy = (c: FakeClient) => {
    const held = new Set<string>();
    c.decoded.avatars.forEach((a, id) => {
      if (a.echo === tick) held.add(id);
      // a value a client keeps is current, or it was taken away (never a stale pose)
      else expect(a.echo ?? 0, `${c.sessionId} holds a stale pose of ${id}`).toBe(0);
    });
    return held;
  };
  const patch = () => {
    tick += 1;
    state.avatars.forEach((a) => {
      a.hqy = Math.sin(tick / 9 + a.hx) * 0.3;
      a.lx = a.hx - 0.25 + Math.sin(tick / 5) * 0.05;
      a.echo = tick;
    });
    const slice: Avatar[] = [];
    let i = 0;
    state.avatars.forEach((a) => {
      if (i++ % SLICES !== tick % SLICES) return;
      for (const key of POSE_KEYS) a.coarse[key] = a[key];
      slice.push(a);
    });
    interest.update(slice);
    serializer.applyPatches([...clients.values()] as unknown as Client[], state);
    for (const c of clients.values()) {
      if (c.state !== ClientState.JOINED) continue;
      const held = heldBy(c);
      // what a client relies on, after every patch: an avatar whose coarse head is within the radius
      // of its own coarse head is held at full rate (a missing field decodes as undefined)
      const self = c.decoded.avatars.get(c.sessionId)!.coarse;
      c.decoded.avatars.forEach((a, id) => {
        const d = Math.hypot(a.coarse.hx - self.hx, a.coarse.hy - self.hy, a.coarse.hz - self.hz);
        if (d <= NEAR_RADIUS_M - 0.01) {
          expect(
            held.has(id),
            `${policy}: ${c.sessionId} holds ${id} ${d.toFixed(2)} m away without its full-rate pose at patch ${tick} (${interest.mode})`,
          ).toBe(true);
        }
      });
      const before = heldBefore.get(c.sessionId)!;
      for (const id of held) {
        const mine = c.decoded.avatars.get(id)!;
        if (before.has(id) && justConfirmed.has(c.sessionId)) {
          mine.joints = SEEN;
        } else if (before.has(id)) {
          // held since the last patch: its joints were not sent again (the client's mark stays)
          expect(
            mine.joints,
            `${policy}: ${c.sessionId} got ${id}'s joints twice at patch ${tick} (${interest.mode})`,
          ).toBe(SEEN);
        } else {
          // it came into view: its joints came with it
          expect(mine.joints, `${c.sessionId} missed ${id}'s joints`).toBe(state.avatars.get(id)!.joints);
          mine.joints = SEEN;
        }
      }
      heldBefore.set(c.sessionId, held);
    }
    // Colyseus sends a joiner its whole view in the full state, then what a shared view queued
    // while it was joining once more in its first patch: a join's, not a switch's (not checked)
    justConfirmed.clear();
    for (const c of joining.splice(0)) {
      if (!clients.has(c.sessionId)) continue;
      confirm(c);
      justConfirmed.add(c.sessionId);
    }
  };

  for (let i = 0; i < 14; i += 1) join('sparse');
  const phases: PhaseResult[] = [];
  for (const phase of WALK) {
    state.avatars.forEach((a) => place(a, phase));
    // someone leaves and someone arrives as the crowd moves
    leave([...clients.keys()][0]!);
    join(phase);
    for (let p = 0; p < PHASE_PATCHES; p += 1) patch();

    const mode = interest.mode;
    const result: PhaseResult = { mode, nearHeld: {}, coarse: {} };
    for (const c of clients.values()) {
      const me = state.avatars.get(c.sessionId)!;
      // every avatar, once, at its coarse position
      expect([...c.decoded.avatars.keys()].sort()).toEqual([...state.avatars.keys()].sort());
      result.coarse[c.sessionId] = [...c.decoded.avatars.values()]
        .map((a) => `${a.sessionId}@${a.coarse.hx.toFixed(2)},${a.coarse.hz.toFixed(2)}`)
        .sort();
      const held = heldBy(c);
      const rule = new Set<string>();
      state.avatars.forEach((other, id) => {
        if (mode === 'per-client' ? near(me, other) : inRegion(me, other)) rule.add(id);
      });
      // exactly the mode's rule: nothing missing, nothing extra
      expect([...held].sort(), `${c.sessionId} in ${mode} mode`).toEqual([...rule].sort());
      const nearIds = [...state.avatars.values()].filter((o) => near(me, o)).map((o) => o.sessionId);
      result.nearHeld[c.sessionId] = nearIds.filter((id) => held.has(id)).sort();
      expect(result.nearHeld[c.sessionId]).toEqual(nearIds.sort());
      // near fields, current: the full-rate head of everyone held
      for (const id of held) {
        expect(c.decoded.avatars.get(id)!.hqy).toBeCloseTo(state.avatars.get(id)!.hqy, 3);
      }
    }
    phases.push(result);
  }
  return { phases, switches: interest.switches };
}

describe('interest: per-client views and shared cell views', () => {
  it('auto switches with the crowd (sparse → per-client, dense → cells, back and forth) and every client holds exactly its rule', () => {
    const auto = runWalk('auto');
    expect(auto.phases.map((p) => p.mode)).toEqual([
      'per-client',
      'cells',
      'per-client',
      'cells',
      'per-client',
    ]);
    expect(auto.switches).toBe(4);
  });

  it('a client sees the same avatars whichever mode the room is in', () => {
    const runs = (['auto', 'per-client', 'cells'] as const).map((policy) => runWalk(policy));
    for (const run of runs.slice(1)) {
      expect(run.switches).toBe(0);
      // every avatar (coarse) and every avatar within the near radius (full rate), per phase and client
      expect(run.phases.map((p) => p.coarse)).toEqual(runs[0]!.phases.map((p) => p.coarse));
      expect(run.phases.map((p) => p.nearHeld)).toEqual(runs[0]!.phases.map((p) => p.nearHeld));
    }
  });
});
