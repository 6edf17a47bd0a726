import { describe, expect, it } from 'vitest';
import { excerpt } from '../../../client/ui/text.ts';
import {
  PANEL_BASE_Y,
  PANEL_CELL,
  RADIAL_RADIUS_M,
  WALL_COLUMNS,
  arcPlacements,
  gridCells,
  layoutWorkspace,
  memoryWall,
  seatStates,
  sideBySide,
  spanWidth,
  tableSeats,
  wallColumns,
  type PanelLike,
  type Placement,
} from '../../../client/spatial/spatialLayout.ts';

const pitchX = PANEL_CELL.width + PANEL_CELL.gap;
const pitchY = PANEL_CELL.height + PANEL_CELL.gap;
const panel = (id: string, position: number, layout: unknown = {}): PanelLike => ({ id, position, layout });
const byId = (ps: Placement[]) => Object.fromEntries(ps.map((p) => [p.id, p]));
const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 9);

/** No two placements of a flat layout overlap (axis-aligned boxes, gaps kept). */
function expectNoOverlap(ps: Placement[]) {
  for (const a of ps)
    for (const b of ps) {
      if (a === b) continue;
      const apart =
        Math.abs(a.x - b.x) >= (a.width + b.width) / 2 + PANEL_CELL.gap - 1e-9 ||
        Math.abs(a.y - b.y) >= (a.height + b.height) / 2 + PANEL_CELL.gap - 1e-9;
      expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
    }
}

describe('layoutWorkspace (the Layout engine)', () => {
  it('grid: honours the stored cells of the seeded workspace (col 0 and 1 of row 0), centred, above the base', () => {
    const ps = layoutWorkspace('grid', [
      panel('notes', 1, { col: 1, row: 0, w: 1, h: 1 }),
      panel('thread', 0, { col: 0, row: 0, w: 1, h: 1 }),
    ]);
    expect(ps.map((p) => p.id)).toEqual(['thread', 'notes']);
    const { thread, notes } = byId(ps);
    close(thread!.x, -pitchX / 2);
    close(notes!.x, pitchX / 2);
    close(thread!.y, PANEL_BASE_Y + PANEL_CELL.height / 2);
    expect(thread!.width).toBe(PANEL_CELL.width);
    expect(ps.every((p) => p.z === 0 && p.rotY === 0)).toBe(true);
  });

  it('grid: spans, stored cells kept, unplaced and colliding panels fill free cells in panel order', () => {
    const ps = layoutWorkspace('grid', [
      panel('big', 0, { col: 0, row: 0, w: 2, h: 2 }),
      panel('clash', 1, { col: 1, row: 1 }), // inside big: re-placed
      panel('free1', 2),
      panel('free2', 3, { col: 'x', row: null }),
      panel('right', 4, { col: 2, row: 0 }),
    ]);
    const cells = gridCells([
      panel('big', 0, { col: 0, row: 0, w: 2, h: 2 }),
      panel('clash', 1, { col: 1, row: 1 }),
      panel('free1', 2),
      panel('free2', 3, { col: 'x', row: null }),
      panel('right', 4, { col: 2, row: 0 }),
    ]);
    expect(Object.fromEntries(cells)).toEqual({
      big: { col: 0, row: 0, w: 2, h: 2 },
      right: { col: 2, row: 0, w: 1, h: 1 },
      clash: { col: 2, row: 1, w: 1, h: 1 },
      free1: { col: 0, row: 2, w: 1, h: 1 },
      free2: { col: 1, row: 2, w: 1, h: 1 },
    });
    const big = byId(ps).big!;
    close(big.width, 2 * pitchX - PANEL_CELL.gap);
    close(big.height, 2 * pitchY - PANEL_CELL.gap);
    expectNoOverlap(ps);
    // lowest row sits on the base
    close(Math.min(...ps.map((p) => p.y - p.height / 2)), PANEL_BASE_Y);
  });

  it('grid: clamps absurd stored values instead of throwing', () => {
    const ps = layoutWorkspace('grid', [panel('a', 0, { col: 1e9, row: -4, w: 99, h: 0 })]);
    expect(ps).toHaveLength(1);
    close(ps[0]!.width, 4 * pitchX - PANEL_CELL.gap);
    close(ps[0]!.height, PANEL_CELL.height);
  });

  it('stack: one column top-down in position order, heights from h', () => {
    const ps = layoutWorkspace('stack', [panel('c', 2), panel('a', 0, { h: 2 }), panel('b', 1)]);
    expect(ps.map((p) => p.id)).toEqual(['a', 'b', 'c']);
    expect(ps.every((p) => p.x === 0)).toBe(true);
    expect(ps[0]!.y).toBeGreaterThan(ps[1]!.y);
    expect(ps[1]!.y).toBeGreaterThan(ps[2]!.y);
    close(ps[2]!.y - ps[2]!.height / 2, PANEL_BASE_Y);
    expectNoOverlap(ps);
  });

  it('wall: rows of WALL_COLUMNS whatever the stored cells', () => {
    const ps = layoutWorkspace(
      'wall',
      Array.from({ length: WALL_COLUMNS + 1 }, (_, i) => panel(`p${i}`, i, { col: 9, row: 9, w: 3 })),
    );
    const rowY = new Set(ps.map((p) => p.y.toFixed(6)));
    expect(rowY.size).toBe(2);
    expect(ps.every((p) => p.width === PANEL_CELL.width)).toBe(true);
    close(ps[WALL_COLUMNS]!.x, ps[0]!.x);
    expectNoOverlap(ps);
  });

  it('radial: an arc at RADIAL_RADIUS_M from the viewer, every panel facing it', () => {
    const ps = layoutWorkspace('radial', [panel('a', 0), panel('b', 1), panel('c', 2)]);
    const viewer = { x: 0, z: RADIAL_RADIUS_M };
    for (const p of ps) {
      close(Math.hypot(p.x - viewer.x, p.z - viewer.z), RADIAL_RADIUS_M);
      // the panel's normal (+z turned by rotY) points at the viewer
      const nx = Math.sin(p.rotY);
      const nz = Math.cos(p.rotY);
      const dx = (viewer.x - p.x) / RADIAL_RADIUS_M;
      const dz = (viewer.z - p.z) / RADIAL_RADIUS_M;
      close(nx * dx + nz * dz, 1);
    }
    close(ps[1]!.x, 0); // the middle one straight ahead
    expect(ps[0]!.x).toBeLessThan(0);
    close(ps[0]!.x, -ps[2]!.x);
  });

  it('free: stored metres (clamped, not below the floor), the grid for panels without them', () => {
    const ps = byId(
      layoutWorkspace('free', [
        panel('placed', 0, { x: 1.5, y: 2, z: -0.5, rotY: 0.3 }),
        panel('far', 1, { x: 500, y: -3 }),
        panel('unplaced', 2, { col: 0, row: 0 }),
      ]),
    );
    expect(ps.placed).toMatchObject({ x: 1.5, y: 2, z: -0.5, rotY: 0.3 });
    expect(ps.far).toMatchObject({ x: 10, y: 0, z: 0, rotY: 0 });
    expect(ps.unplaced!.z).toBe(0);
    expect(ps.unplaced!.y).toBeGreaterThanOrEqual(PANEL_BASE_Y);
  });

  it('is empty for no panels', () => {
    for (const mode of ['grid', 'stack', 'wall', 'radial', 'free'] as const) {
      expect(layoutWorkspace(mode, [])).toEqual([]);
    }
    expect(spanWidth([])).toBe(0);
  });
});

describe('memoryWall', () => {
  it('puts cards in rows, top left first, centred, twice as wide as tall', () => {
    expect(wallColumns(0)).toBe(0);
    expect(wallColumns(2)).toBe(2);
    expect(wallColumns(300)).toBe(24);
    const card = { width: 1, height: 0.5, gap: 0.1 };
    const w = memoryWall(5, card);
    expect([w.columns, w.rows]).toEqual([4, 2]);
    close(w.width, 4 * 1.1 - 0.1);
    close(w.height, 2 * 0.6 - 0.1);
    close(w.slots[0]!.x, -w.width / 2 + 0.5);
    close(w.slots[0]!.y, w.height / 2 - 0.25);
    close(w.slots[4]!.x, w.slots[0]!.x);
    close(w.slots[4]!.y, w.slots[0]!.y - 0.6);
    expect(memoryWall(0, card)).toMatchObject({ width: 0, height: 0, slots: [] });
    expect(() => memoryWall(-1)).toThrow(/count must be ≥ 0/);
  });
});

describe('tableSeats, seatStates', () => {
  it('spreads seats evenly around the table, the first toward the entrance, each facing the centre', () => {
    const seats = tableSeats(4, 1.5);
    close(seats[0]!.x, 0);
    close(seats[0]!.z, 1.5);
    close(seats[1]!.x, 1.5);
    for (const s of seats) {
      close(Math.hypot(s.x, s.z), 1.5);
      close(Math.sin(s.rotY) * -s.x + Math.cos(s.rotY) * -s.z, 1.5);
    }
    expect(tableSeats(0, 1)).toEqual([]);
  });

  it('reads the speaker, raised hands and queue places off the meeting room state', () => {
    const states = seatStates({
      selfId: 's2',
      speaker: 's1',
      speakerQueue: ['s3', 's2'],
      participants: [
        { sessionId: 's1', displayName: 'Alice', handRaised: false },
        { sessionId: 's2', displayName: 'Bob', handRaised: true },
        { sessionId: 's3', displayName: 'Chloé', handRaised: true },
      ],
    });
    expect(states).toEqual([
      { sessionId: 's1', name: 'Alice', speaking: true, handRaised: false, queue: 0, self: false },
      { sessionId: 's2', name: 'Bob', speaking: false, handRaised: true, queue: 2, self: true },
      { sessionId: 's3', name: 'Chloé', speaking: false, handRaised: true, queue: 1, self: false },
    ]);
  });
});

describe('arcPlacements, sideBySide, excerpt', () => {
  it('keeps neighbours gap apart along the arc', () => {
    const ps = arcPlacements(
      [
        { id: 'a', width: 1, height: 1 },
        { id: 'b', width: 1, height: 1 },
      ],
      { radius: 3, gap: 0.2, y: 1.5 },
    );
    close((ps[1]!.rotY - ps[0]!.rotY) * -3, 1.2);
    expect(ps.every((p) => p.y === 1.5)).toBe(true);
  });

  it('sets groups side by side', () => {
    expect(sideBySide([2, 4], 1)).toEqual([-2.5, 1.5]);
    expect(sideBySide([], 1)).toEqual([]);
  });

  it('cuts on a word, flattens whitespace', () => {
    expect(excerpt('Budget   maximal\nde la cuisine', 100)).toBe('Budget maximal de la cuisine');
    expect(excerpt('Béton 32 MPa pour les fondations Villeray.', 20)).toBe('Béton 32 MPa pour…');
    expect(excerpt('x'.repeat(30), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
