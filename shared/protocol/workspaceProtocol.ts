import { z } from 'zod';

/** Largest Yjs update a client may send, in bytes (the transport caps whole frames too). */
export const MAX_DOC_UPDATE_BYTES = 12 * 1024;

/** Message types of a workspace room. */
export const WORKSPACE_CLIENT = {
  /** A Yjs update of the workspace's shared document (panels' texts live in it). */
  docUpdate: 'docUpdate',
  /** The workspace's layout mode (an editor's): a new version in its history. */
  layout: 'layout',
  /** Where a panel goes (`panels.layout`, an editor's): a new version in its history. */
  movePanel: 'movePanel',
  /** Back to an earlier version of this workspace (an editor's): a new `restore` version. */
  restore: 'restore',
  /** Where this client's caret is (a panel and a character index), shown to the others. */
  cursor: 'cursor',
} as const;
/** A workspace room's client message type. */
export type WorkspaceClientType = keyof typeof WORKSPACE_CLIENT;

/** The layout modes a workspace can have (public.workspaces.layout). */
export const WORKSPACE_LAYOUTS = ['grid', 'stack', 'radial', 'wall', 'free'] as const;
/** A workspace layout mode. */
export type WorkspaceLayoutMode = (typeof WORKSPACE_LAYOUTS)[number];

/** Largest span of a panel in grid cells, and largest column/row index a layout may name. */
export const MAX_SPAN = 4;
export const MAX_CELL_INDEX = 15;
/** Limit of `free` coordinates (m) around the workspace's origin. */
export const FREE_LIMIT_M = 10;
/** Longest panel text a cursor may point into (characters). */
export const MAX_CURSOR_INDEX = 1_000_000;

/**
 * A panel's place as `panels.layout` stores it: grid cells (`col`, `row`, span `w` × `h`) for the
 * grid, stack, wall and radial modes, or metres and a turn about +y for `free`. Out-of-range values
 * are refused, never clamped, so what is stored is what was asked.
 */
export const PanelLayout = z.union([
  z.strictObject({
    col: z.int().min(0).max(MAX_CELL_INDEX),
    row: z.int().min(0).max(MAX_CELL_INDEX),
    w: z.int().min(1).max(MAX_SPAN).optional(),
    h: z.int().min(1).max(MAX_SPAN).optional(),
  }),
  z.strictObject({
    x: z.number().min(-FREE_LIMIT_M).max(FREE_LIMIT_M),
    y: z.number().min(-FREE_LIMIT_M).max(FREE_LIMIT_M),
    z: z.number().min(-FREE_LIMIT_M).max(FREE_LIMIT_M),
    rotY: z
      .number()
      .min(-Math.PI * 2)
      .max(Math.PI * 2),
  }),
]);
/** A panel's stored layout. */
export type PanelLayout = z.infer<typeof PanelLayout>;

/** Messages the server sends in a workspace room. */
export const WORKSPACE_SERVER = {
  /** The whole document as one Yjs update: sent to a client when it joins. */
  docSync: 'docSync',
  /** Another client's update, relayed after the server applied it. */
  docUpdate: 'docUpdate',
  /** The document is durable in Postgres up to this revision. */
  saved: 'saved',
  /** A layout change or restore committed: the workspace's new version. */
  transformed: 'transformed',
} as const;

/** zod schemas of the workspace room's client messages. */
export const workspaceClientSchemas = {
  docUpdate: z.strictObject({
    update: z
      .instanceof(Uint8Array)
      .refine(
        (u) => u.byteLength > 0 && u.byteLength <= MAX_DOC_UPDATE_BYTES,
        'update must be 1..12288 bytes',
      ),
  }),
  layout: z.strictObject({ layout: z.enum(WORKSPACE_LAYOUTS) }),
  movePanel: z.strictObject({ panelId: z.uuid(), layout: PanelLayout }),
  restore: z.strictObject({ version: z.int().min(0).max(Number.MAX_SAFE_INTEGER) }),
  cursor: z.strictObject({
    /** The panel edited, or '' when the caret left every panel. */
    panelId: z.union([z.uuid(), z.literal('')]),
    index: z.int().min(0).max(MAX_CURSOR_INDEX),
  }),
} as const;

/** A message of the workspace room's server: a committed layout change or restore. */
export interface WorkspaceTransformed {
  version: number;
  kind: 'layout' | 'move_panel' | 'restore';
}

/** Join options of a workspace room. */
export const WorkspaceJoinOptions = z.object({ workspaceId: z.uuid() });
