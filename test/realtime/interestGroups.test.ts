/**
 * Shared cell views (CellInterest pinned to 'cells'): cells whose regions hold the same occupied
 * cells share one StateView. Checked against a brute-force reference on random walks, in process:
 * Colyseus' own SchemaSerializer encodes every patch and each client decodes it with a real Decoder.
 * Avatars step between cells (cells filling up and emptying, so groups split, merge and are redrawn),
 * join and leave; after EVERY patch each joined client holds at full rate exactly the avatars standing
 * (at their coarse place) in a cell of its own cell's region — computed here from the geometry, not
 * from CellInterest — with current values, nothing sent twice and nothing arriving without its
 * joints. After each quiet spell (nobody crossing a cell) clients share a view exactly when their
 * reference sets are equal; a meeting (everyone in each other's region) is one view.
 */
import { ClientState, SchemaSerializer, type Client } from '@colyseus/core';
import { Decoder } from '@colyseus/schema';
import { describe, expect, it } from 'vitest';
import { CellInterest, INTEREST_CELL_M } from '../../server/realtime/CellInterest.ts';
import { NEAR_RADIUS_M } from '../../shared/protocol/limits.ts';
import { Avatar, POSE_KEYS, SpatialState } from '../../shared/schema/SpatialState.ts';
import { rng } from '../helpers/fuzz.ts';

const SLICES = 5;
const SEEN = '(seen)';

interface FakeClient {
  sessionId: string;
  state: ClientState;
  view: unknown;
  decoded: SpatialState;
  raw(bytes: Uint8Array): void;
}

function fakeClient(sessionId: string): FakeClient {
  const decoded = new SpatialState();
  const decoder = new Decoder(decoded);
  return {
    sessionId,
    state: ClientState.JOINED,
    view: undefined,
    decoded,
    raw(bytes) {
      decoder.decode(bytes, { offset: 1 });
    },
  };
}

const cellOf = (x: number, z: number) =>
  [Math.floor(x / INTEREST_CELL_M), Math.floor(z / INTEREST_CELL_M)] as const;

/** The cells rule from the geometry: `other`'s coarse cell's nearest point within the radius of `viewer`'s coarse cell. */
function inRegion(viewer: Avatar, other: Avatar): boolean {
  const [vi, vj] = cellOf(viewer.coarse.hx, viewer.coarse.hz);
  const [oi, oj] = cellOf(other.coarse.hx, other.coarse.hz);
  const gap =
    INTEREST_CELL_M * Math.hypot(Math.max(0, Math.abs(oi - vi) - 1), Math.max(0, Math.abs(oj - vj) - 1));
  return gap <= NEAR_RADIUS_M;
}

interface Walk {
  /** Side of the square the avatars stand in (m). */
  side: number;
  /** Avatars at the start. */
  start: number;
  /** Patches of the walk. */
  patches: number;
  /** Chance per patch that an avatar takes a step, and the step's largest length (m). */
  stepChance: number;
  stepM: number;
  seed: number;
}

function runWalk(walk: Walk): { viewsAtQuiet: number[]; groupsAtQuiet: number[] } {
  const random = rng(walk.seed);
  const state = new SpatialState();
  const serializer = new SchemaSerializer<SpatialState>();
  serializer.reset(state);
  const clients = new Map<string, FakeClient>();
  const interest = new CellInterest((id) => clients.get(id) as unknown as Client | undefined, 'cells');
  const heldBefore = new Map<string, Set<string>>();
  const joining: FakeClient[] = [];
  const justConfirmed = new Set<string>();
  const viewsAtQuiet: number[] = [];
  const groupsAtQuiet: number[] = [];
  const half = walk.side / 2;
  let nextId = 0;
  let tick = 0;

  const join = () => {
    const a = new Avatar();
    a.sessionId = `s${nextId}`;
    a.identityId = `i${nextId}`;
    a.joints = `j${nextId}`;
    nextId += 1;
    [a.hx, a.hy, a.hz] = [(random() - 0.5) * walk.side, 1.6, (random() - 0.5) * walk.side];
    for (const key of POSE_KEYS) a.coarse[key] = a[key];
    state.avatars.set(a.sessionId, a);
    const c = fakeClient(a.sessionId);
    clients.set(c.sessionId, c);
    heldBefore.set(c.sessionId, new Set());
    interest.join(c as unknown as Client, a);
    c.state = ClientState.JOINING;
    joining.push(c);
  };
  const leave = (sessionId: string) => {
    interest.leave(sessionId, state.avatars.get(sessionId));
    state.avatars.delete(sessionId);
    clients.delete(sessionId);
  };
  const expected = (me: Avatar) => {
    const rule = new Set<string>();
    state.avatars.forEach((other, id) => {
      if (inRegion(me, other)) rule.add(id);
    });
    return rule;
  };

  const patch = (moving: boolean) => {
    tick += 1;
    state.avatars.forEach((a) => {
      if (moving && random() < walk.stepChance) {
        const clamp = (v: number) => Math.max(-half, Math.min(half - 0.001, v));
        a.hx = clamp(a.hx + (random() - 0.5) * 2 * walk.stepM);
        a.hz = clamp(a.hz + (random() - 0.5) * 2 * walk.stepM);
      }
      a.hqy = Math.sin(tick / 9 + a.hx) * 0.3;
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
      const held = new Set<string>();
      c.decoded.avatars.forEach((a, id) => {
        if (a.echo === tick) held.add(id);
        else expect(a.echo ?? 0, `${c.sessionId} holds a stale pose of ${id} at ${tick}`).toBe(0);
      });
      const me = state.avatars.get(c.sessionId)!;
      expect([...held].sort(), `${c.sessionId} at patch ${tick}`).toEqual([...expected(me)].sort());
      const before = heldBefore.get(c.sessionId)!;
      for (const id of held) {
        const mine = c.decoded.avatars.get(id)!;
        expect(mine.hqy).toBeCloseTo(state.avatars.get(id)!.hqy, 3);
        if (before.has(id) && !justConfirmed.has(c.sessionId)) {
          expect(mine.joints, `${c.sessionId} got ${id}'s joints twice at patch ${tick}`).toBe(SEEN);
        } else if (!before.has(id)) {
          expect(mine.joints, `${c.sessionId} missed ${id}'s joints at ${tick}`).toBe(
            state.avatars.get(id)!.joints,
          );
        }
        mine.joints = SEEN;
      }
      heldBefore.set(c.sessionId, held);
    }
    justConfirmed.clear();
    for (const c of joining.splice(0)) {
      if (!clients.has(c.sessionId)) continue;
      c.state = ClientState.JOINED;
      c.raw(serializer.getFullState(c as unknown as Client));
      c.decoded.avatars.forEach((d, id) => {
        if (d.joints) {
          d.joints = SEEN;
          heldBefore.get(c.sessionId)!.add(id);
        }
      });
      justConfirmed.add(c.sessionId);
    }
  };

  for (let i = 0; i < walk.start; i += 1) join();
  for (let p = 0; p < walk.patches; p += 1) {
    if (random() < 0.08) join();
    if (random() < 0.06 && clients.size > 2) leave([...clients.keys()][Math.floor(random() * clients.size)]!);
    patch(true);
    if (p % 25 !== 24) continue;
    // a quiet spell: every slice looked at once more, no bridge left
    for (let q = 0; q < SLICES + 1; q += 1) patch(false);
    const byView = new Map<unknown, Set<string>>();
    const bySet = new Map<string, Set<unknown>>();
    for (const c of clients.values()) {
      const rule = [...expected(state.avatars.get(c.sessionId)!)].sort().join(' ');
      const sets = byView.get(c.view) ?? new Set();
      sets.add(rule);
      byView.set(c.view, sets);
      const views = bySet.get(rule) ?? new Set();
      views.add(c.view);
      bySet.set(rule, views);
    }
    // one view per distinct reference set, and each view serves one set
    for (const sets of byView.values()) expect(sets.size).toBe(1);
    for (const views of bySet.values()) expect(views.size).toBe(1);
    viewsAtQuiet.push(byView.size);
    groupsAtQuiet.push(interest.viewCount);
  }
  return { viewsAtQuiet, groupsAtQuiet };
}

describe('interest: shared cell views grouped by what their cells see', () => {
  it('a mid-density crowd walking, joining and leaving: every client holds exactly its cell region after every patch', () => {
    const { viewsAtQuiet, groupsAtQuiet } = runWalk({
      side: 18,
      start: 30,
      patches: 150,
      stepChance: 0.3,
      stepM: 0.8,
      seed: 7,
    });
    // groups formed, split and merged: more than one view, fewer than one per occupied cell
    expect(Math.max(...viewsAtQuiet)).toBeGreaterThan(1);
    // no group outlives its cells: the room holds only the views its clients read
    expect(groupsAtQuiet).toEqual(viewsAtQuiet);
  });

  it('a meeting (everyone within each other’s region) is one view, however people shuffle, join and leave', () => {
    const { viewsAtQuiet, groupsAtQuiet } = runWalk({
      side: 5,
      start: 40,
      patches: 100,
      stepChance: 0.4,
      stepM: 0.6,
      seed: 11,
    });
    expect(viewsAtQuiet.every((n) => n === 1)).toBe(true);
    expect(groupsAtQuiet.every((n) => n === 1)).toBe(true);
  });

  it('a room spread wide: the walkers of many separate cells each get their own view', () => {
    const { viewsAtQuiet, groupsAtQuiet } = runWalk({
      side: 40,
      start: 24,
      patches: 100,
      stepChance: 0.5,
      stepM: 1.5,
      seed: 3,
    });
    expect(Math.min(...viewsAtQuiet)).toBeGreaterThan(4);
    expect(groupsAtQuiet).toEqual(viewsAtQuiet);
  });
});
