import { schema, t, type SchemaType } from '@colyseus/schema';

/** A panel of the workspace (panels row): what it shows and where the layout put it. */
export const Panel = schema(
  {
    id: t.string(),
    kind: t.string(),
    title: t.string(),
    position: t.uint16(),
    /** `panels.layout` as JSON text (grid cells or free metres): the layout engine reads it. */
    layout: t.string().default('{}'),
  },
  'Panel',
);
/** A panel instance. */
export type Panel = SchemaType<typeof Panel>;

/** A participant of the workspace room (identity from auth). */
export const Editor = schema(
  {
    sessionId: t.string(),
    identityId: t.string(),
    displayName: t.string(),
    role: t.string(),
    /** Why this person is here: owner, a membership's role, elevated (issue 14). */
    access: t.string().default(''),
    /** The panel whose text this editor's caret is in ('' when none), and the caret's index. */
    cursorPanel: t.string().default(''),
    cursorIndex: t.uint32().default(0),
  },
  'Editor',
);
/** An editor instance. */
export type Editor = SchemaType<typeof Editor>;

/**
 * State of a workspace room. Panel texts are NOT here: they live in a Yjs document (CRDT) synced by
 * messages, so concurrent edits converge; `revision` counts the updates the server has applied.
 */
export const WorkspaceState = schema(
  {
    workspaceId: t.string(),
    name: t.string(),
    /** The workspace's layout mode (grid, stack, radial, wall, free). */
    layout: t.string().default('grid'),
    /** The workspace's version (its state history's newest), bumped by every layout change and restore. */
    version: t.uint32().default(0),
    panels: t.map(Panel),
    editors: t.map(Editor),
    revision: t.uint32().default(0),
  },
  'WorkspaceState',
);
/** A workspace room's state instance. */
export type WorkspaceState = SchemaType<typeof WorkspaceState>;
