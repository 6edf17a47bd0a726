/**
 * The Layout engine of the spatial room, as pure functions (no three, no React): where a
 * workspace's panels go for each of the workspace layouts the API stores (`grid`, `stack`,
 * `radial`, `wall`, `free`), where memory cards sit on their wall, where the seats of a meeting
 * table are, and the arc of the floating thread panels. Every result is in metres, in the frame of
 * its group: +y up, the group faces +z (a viewer stands on +z looking at -z), `rotY` turns a panel
 * about its own centre.
 */

import { FREE_LIMIT_M, MAX_CELL_INDEX, MAX_SPAN } from '../../shared/protocol/workspaceProtocol.ts';

export type WorkspaceLayoutMode = 'grid' | 'stack' | 'radial' | 'wall' | 'free';

/** What the layout reads of a panel (the API's `panels` row). */
export interface PanelLike {
  readonly id: string;
  /** Order of the panel in its workspace (`panels.position`, 0 first). */
  readonly position: number;
  /** `panels.layout` (jsonb): `{ col, row, w, h }` cells for grid, `{ x, y, z, rotY }` metres for free. */
  readonly layout: unknown;
}

/** A panel placed by the layout: its centre, its turn about +y and its size. */
export interface Placement {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly rotY: number;
  readonly width: number;
  readonly height: number;
}

export interface CellSize {
  /** Width of one cell (m). */
  readonly width: number;
  /** Height of one cell (m). */
  readonly height: number;
  /** Gap between cells (m). */
  readonly gap: number;
}

/** One workspace panel cell: a 1 × 1 panel is 1.0 m × 0.62 m. */
export const PANEL_CELL: CellSize = { width: 1, height: 0.62, gap: 0.08 };
/** Height of the lowest panel edge above the floor (m). */
export const PANEL_BASE_Y = 0.9;
/** Largest span of a panel in cells, and largest column/row index a stored layout may name. */
export { MAX_SPAN, MAX_CELL_INDEX };
/** Panels per row of the `wall` layout before it wraps. */
export const WALL_COLUMNS = 4;
/** Radius of the `radial` layout's arc (m): the viewer's distance from the panels. */
export const RADIAL_RADIUS_M = 2.4;
export { FREE_LIMIT_M };

interface Cell {
  readonly col: number;
  readonly row: number;
  readonly w: number;
  readonly h: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An integer in [min, max] read off `v`, or null when `v` is not a finite number. */
function intIn(v: unknown, min: number, max: number): number | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return Math.min(max, Math.max(min, Math.round(v)));
}

function numIn(v: unknown, limit: number): number | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  return Math.min(limit, Math.max(-limit, v));
}

/** A panel's span in cells (`w`, `h` of its layout, 1 when missing, at most MAX_SPAN). */
export function spanOf(layout: unknown): { w: number; h: number } {
  const l = isObject(layout) ? layout : {};
  return { w: intIn(l.w, 1, MAX_SPAN) ?? 1, h: intIn(l.h, 1, MAX_SPAN) ?? 1 };
}

/** Panels in their workspace order: `position`, then id (so equal positions still have one order). */
export function orderPanels<T extends PanelLike>(panels: readonly T[]): T[] {
  return [...panels].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Grid cells of the panels: a panel keeps the `col`/`row` its layout names when those cells are free;
 * the others (no cell stored, or a taken one) fill the first free cells row by row, in panel order.
 */
export function gridCells(panels: readonly PanelLike[]): Map<string, Cell> {
  const ordered = orderPanels(panels);
  const taken = new Set<string>();
  const free = (c: Cell) => {
    for (let r = c.row; r < c.row + c.h; r++)
      for (let k = c.col; k < c.col + c.w; k++) if (taken.has(`${k},${r}`)) return false;
    return true;
  };
  const take = (c: Cell) => {
    for (let r = c.row; r < c.row + c.h; r++)
      for (let k = c.col; k < c.col + c.w; k++) taken.add(`${k},${r}`);
  };
  const cells = new Map<string, Cell>();
  const unplaced: PanelLike[] = [];
  let maxCol = 0;
  for (const p of ordered) {
    const l = isObject(p.layout) ? p.layout : {};
    const col = intIn(l.col, 0, MAX_CELL_INDEX);
    const row = intIn(l.row, 0, MAX_CELL_INDEX);
    const { w, h } = spanOf(p.layout);
    const cell = col !== null && row !== null ? { col, row, w, h } : null;
    if (cell && free(cell)) {
      take(cell);
      cells.set(p.id, cell);
      maxCol = Math.max(maxCol, col! + w);
    } else unplaced.push(p);
  }
  const columns = Math.max(maxCol, Math.ceil(Math.sqrt(panels.length)), 1);
  for (const p of unplaced) {
    const { w, h } = spanOf(p.layout);
    const width = Math.min(w, columns);
    // rows below every taken cell are free, so the search ends within this bound
    const bound = (MAX_CELL_INDEX + 1 + (panels.length + 1) * MAX_SPAN) * columns;
    for (let i = 0; i < bound; i++) {
      const cell = { col: i % columns, row: Math.floor(i / columns), w: width, h };
      if (cell.col + width <= columns && free(cell)) {
        take(cell);
        cells.set(p.id, cell);
        break;
      }
    }
  }
  return cells;
}

/** Placements of cells on a flat wall centred on x = 0, row 0 on top, lowest edge at PANEL_BASE_Y. */
function placeCells(ids: readonly string[], cells: Map<string, Cell>, size: CellSize): Placement[] {
  let cols = 0;
  let rows = 0;
  for (const c of cells.values()) {
    cols = Math.max(cols, c.col + c.w);
    rows = Math.max(rows, c.row + c.h);
  }
  const pitchX = size.width + size.gap;
  const pitchY = size.height + size.gap;
  const left = -(cols * pitchX - size.gap) / 2;
  const top = PANEL_BASE_Y + rows * pitchY - size.gap;
  return ids.map((id) => {
    const c = cells.get(id)!;
    const width = c.w * pitchX - size.gap;
    const height = c.h * pitchY - size.gap;
    return {
      id,
      x: left + c.col * pitchX + width / 2,
      y: top - c.row * pitchY - height / 2,
      z: 0,
      rotY: 0,
      width,
      height,
    };
  });
}

/**
 * Panels on an arc of `radius` around a viewer standing at (0, y, radius), centred on x = 0 and
 * turned to face that viewer; panels follow each other left to right with `gap` between them.
 */
export function arcPlacements(
  items: readonly { id: string; width: number; height: number }[],
  options: { radius: number; gap: number; y: number },
): Placement[] {
  const { radius, gap, y } = options;
  const total = items.reduce((s, it) => s + it.width, 0) + gap * Math.max(0, items.length - 1);
  let along = -total / 2;
  return items.map((it) => {
    const a = (along + it.width / 2) / radius;
    along += it.width + gap;
    return {
      id: it.id,
      x: radius * Math.sin(a),
      y,
      z: radius - radius * Math.cos(a),
      rotY: -a,
      width: it.width,
      height: it.height,
    };
  });
}

/**
 * THE workspace layout: where each panel of a workspace goes, in its order, for the workspace's
 * layout. `grid` honours stored cells (see gridCells); `stack` is one column top-down; `wall` one row
 * wrapping every WALL_COLUMNS; `radial` an arc facing the viewer; `free` the stored metres
 * (`x`, `y`, `z`, `rotY`), falling back to the grid for panels without them.
 */
export function layoutWorkspace(
  mode: WorkspaceLayoutMode,
  panels: readonly PanelLike[],
  size: CellSize = PANEL_CELL,
): Placement[] {
  const ordered = orderPanels(panels);
  const ids = ordered.map((p) => p.id);
  const pitchX = size.width + size.gap;
  const pitchY = size.height + size.gap;
  switch (mode) {
    case 'grid':
      return placeCells(ids, gridCells(ordered), size);
    case 'stack': {
      const cells = new Map<string, Cell>();
      let row = 0;
      for (const p of ordered) {
        const { h } = spanOf(p.layout);
        cells.set(p.id, { col: 0, row, w: 1, h });
        row += h;
      }
      return placeCells(ids, cells, size);
    }
    case 'wall': {
      const cells = new Map<string, Cell>();
      ordered.forEach((p, i) =>
        cells.set(p.id, { col: i % WALL_COLUMNS, row: Math.floor(i / WALL_COLUMNS), w: 1, h: 1 }),
      );
      return placeCells(ids, cells, size);
    }
    case 'radial':
      return arcPlacements(
        ordered.map((p) => {
          const { w, h } = spanOf(p.layout);
          return { id: p.id, width: w * pitchX - size.gap, height: h * pitchY - size.gap };
        }),
        { radius: RADIAL_RADIUS_M, gap: size.gap, y: PANEL_BASE_Y + size.height / 2 },
      );
    case 'free': {
      const fallback = new Map(placeCells(ids, gridCells(ordered), size).map((p) => [p.id, p]));
      return ordered.map((p) => {
        const base = fallback.get(p.id)!;
        const l = isObject(p.layout) ? p.layout : {};
        const x = numIn(l.x, FREE_LIMIT_M);
        const y = numIn(l.y, FREE_LIMIT_M);
        const z = numIn(l.z, FREE_LIMIT_M);
        if (x === null || y === null) return base;
        return { ...base, x, y: Math.max(0, y), z: z ?? 0, rotY: numIn(l.rotY, Math.PI) ?? 0 };
      });
    }
  }
}

/** Size of the bounding box of placements across x (m): how much room a workspace takes. */
export function spanWidth(placements: readonly Placement[]): number {
  if (placements.length === 0) return 0;
  let min = Infinity;
  let max = -Infinity;
  for (const p of placements) {
    const half = (Math.abs(Math.cos(p.rotY)) * p.width) / 2;
    min = Math.min(min, p.x - half);
    max = Math.max(max, p.x + half);
  }
  return max - min;
}

/** The memory wall's grid: card size and gap (m), columns chosen from the count. */
export interface WallGrid {
  readonly columns: number;
  readonly rows: number;
  readonly width: number;
  readonly height: number;
  /** Card centres, origin at the wall's centre, first card top left. */
  readonly slots: readonly { readonly x: number; readonly y: number }[];
}

export const MEMORY_CARD = { width: 0.5, height: 0.32, gap: 0.05 } as const;
/** Most columns of the memory wall (it grows downwards, then the cards are capped by the caller). */
export const MEMORY_WALL_MAX_COLUMNS = 24;

/** Columns for `count` cards: about twice as wide as tall, at most MEMORY_WALL_MAX_COLUMNS. */
export function wallColumns(count: number): number {
  if (count <= 0) return 0;
  return Math.min(MEMORY_WALL_MAX_COLUMNS, count, Math.ceil(Math.sqrt(count * 2)));
}

export function memoryWall(
  count: number,
  card: { width: number; height: number; gap: number } = MEMORY_CARD,
): WallGrid {
  if (!Number.isInteger(count) || count < 0) throw new Error(`memoryWall: count must be ≥ 0 (got ${count})`);
  const columns = wallColumns(count);
  const rows = columns === 0 ? 0 : Math.ceil(count / columns);
  const width = Math.max(0, columns * (card.width + card.gap) - card.gap);
  const height = Math.max(0, rows * (card.height + card.gap) - card.gap);
  const slots = Array.from({ length: count }, (_, i) => ({
    x: -width / 2 + (i % columns) * (card.width + card.gap) + card.width / 2,
    y: height / 2 - Math.floor(i / columns) * (card.height + card.gap) - card.height / 2,
  }));
  return { columns, rows, width, height, slots };
}

/** A seat around a round table: where it is and the turn that faces the table's centre. */
export interface Seat {
  readonly x: number;
  readonly z: number;
  readonly rotY: number;
}

/**
 * `count` seats evenly around a table of `radius` centred on the origin, the first one on +z (the
 * side the room is entered from), going counter-clockwise seen from above; each faces the centre.
 */
export function tableSeats(count: number, radius: number): Seat[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`tableSeats: count must be ≥ 0 (got ${count})`);
  return Array.from({ length: count }, (_, i) => {
    const a = (i * 2 * Math.PI) / count;
    return { x: radius * Math.sin(a), z: radius * Math.cos(a), rotY: a + Math.PI };
  });
}

/** What a seat shows of a meeting participant (pure read of the meeting room's state). */
export interface SeatState {
  readonly sessionId: string;
  readonly name: string;
  readonly speaking: boolean;
  readonly handRaised: boolean;
  /** 1-based place in the speaker queue, or 0 when not queued. */
  readonly queue: number;
  readonly self: boolean;
}

export function seatStates(live: {
  readonly selfId: string;
  readonly participants: readonly { sessionId: string; displayName: string; handRaised: boolean }[];
  readonly speakerQueue: readonly string[];
  readonly speaker: string | null;
}): SeatState[] {
  return live.participants.map((p) => ({
    sessionId: p.sessionId,
    name: p.displayName,
    speaking: live.speaker === p.sessionId,
    handRaised: p.handRaised,
    queue: live.speakerQueue.indexOf(p.sessionId) + 1,
    self: p.sessionId === live.selfId,
  }));
}

/** Centres (x) of groups of `widths` set side by side with `gap` between them, centred on x = 0. */
export function sideBySide(widths: readonly number[], gap: number): number[] {
  const total = widths.reduce((s, w) => s + w, 0) + gap * Math.max(0, widths.length - 1);
  let left = -total / 2;
  return widths.map((w) => {
    const x = left + w / 2;
    left += w + gap;
    return x;
  });
}
