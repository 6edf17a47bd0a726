import { Client, type Room } from '@colyseus/sdk';
import * as Y from 'yjs';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { SPATIAL_SERVER, type RealtimeErrorMessage } from '../../shared/protocol/spatialProtocol.ts';
import {
  WORKSPACE_CLIENT,
  WORKSPACE_SERVER,
  type PanelLayout,
  type WorkspaceLayoutMode,
} from '../../shared/protocol/workspaceProtocol.ts';
import { WorkspaceState } from '../../shared/schema/WorkspaceState.ts';

/** A panel of the joined workspace room. */
export interface WorkspacePanelView {
  readonly id: string;
  readonly kind: string;
  readonly title: string;
  readonly position: number;
  /** `panels.layout` as stored (grid cells or free metres). */
  readonly layout: unknown;
}

/** Someone in the workspace room, and where their caret is. */
export interface WorkspaceEditorView {
  readonly sessionId: string;
  readonly identityId: string;
  readonly displayName: string;
  readonly role: string;
  readonly cursorPanel: string | null;
  readonly cursorIndex: number;
}

/** The joined workspace room as the 2D editor and the 3D room show it. */
export interface WorkspaceFeedState {
  readonly selfId: string;
  readonly name: string;
  readonly layout: WorkspaceLayoutMode;
  readonly version: number;
  readonly panels: readonly WorkspacePanelView[];
  readonly editors: readonly WorkspaceEditorView[];
  /** Each panel's text, from the shared Yjs document. */
  readonly texts: Readonly<Record<string, string>>;
  /** Updates the server applied, and the newest it says is durable. */
  readonly revision: number;
  readonly savedRevision: number;
  /** The room's last refusal (a viewer editing, a bad layout, an unknown version). */
  readonly refusal: RealtimeErrorMessage | null;
  /** Whether this seat may edit (not a viewer). */
  readonly canEdit: boolean;
}

/** The workspace room of one workspace, joined: its state, its document and the edits it takes. */
export interface WorkspaceFeed {
  readonly store: StoreApi<WorkspaceFeedState>;
  /** Makes `panelId`'s text read `next` (the smallest change: the common start and end are kept). */
  setText(panelId: string, next: string): void;
  /** Where this client's caret is ('' panel: none). */
  setCursor(panelId: string, index: number): void;
  setLayout(layout: WorkspaceLayoutMode): void;
  movePanel(panelId: string, layout: PanelLayout): void;
  restore(version: number): void;
  leave(): Promise<void>;
}

/** The Y.Text of a panel in the workspace's shared document (server: PANEL_TEXT_PREFIX). */
export function panelTextName(panelId: string): string {
  return `panel:${panelId}`;
}

/** Origin of updates that came from the room: they are not sent back. */
const REMOTE = 'remote';

function parseLayout(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return {};
  }
}

/** Applies `next` to `text` as one delete + one insert between the common prefix and suffix. */
export function applyTextChange(text: Y.Text, next: string): void {
  const current = text.toString();
  if (current === next) return;
  let start = 0;
  const max = Math.min(current.length, next.length);
  while (start < max && current[start] === next[start]) start += 1;
  let end = 0;
  while (end < max - start && current[current.length - 1 - end] === next[next.length - 1 - end]) {
    end += 1;
  }
  text.doc!.transact(() => {
    const removed = current.length - start - end;
    if (removed > 0) text.delete(start, removed);
    const inserted = next.slice(start, next.length - end);
    if (inserted) text.insert(start, inserted);
  });
}

/**
 * Joins a workspace's room (OCW: the server's Yjs document, saved to ocw_sessions) with the
 * session token: the room sends the whole document on join, then every other client's update; this
 * replica sends its own. Panel texts, the layout, the version and everyone's carets land in `store`.
 */
export async function joinWorkspace(
  endpoint: string,
  accessToken: string,
  workspaceId: string,
): Promise<WorkspaceFeed> {
  const client = new Client(endpoint);
  client.auth.token = accessToken;
  const doc = new Y.Doc();
  let pendingSync: (() => void) | null = null;
  // the room sends the document as soon as the seat is taken, before the join resolves here
  const synced = new Promise<void>((resolve) => (pendingSync = resolve));
  const room: Room<unknown, WorkspaceState> = await client.joinOrCreate(
    'workspace',
    { workspaceId },
    WorkspaceState,
  );
  const store = createStore<WorkspaceFeedState>()(() => ({
    selfId: room.sessionId,
    name: '',
    layout: 'grid',
    version: 0,
    panels: [],
    editors: [],
    texts: {},
    revision: 0,
    savedRevision: 0,
    refusal: null,
    canEdit: false,
  }));
  const readTexts = () => {
    const texts: Record<string, string> = {};
    for (const p of store.getState().panels) texts[p.id] = doc.getText(panelTextName(p.id)).toString();
    return texts;
  };
  const fromState = () => {
    const s = room.state;
    const panels: WorkspacePanelView[] = [];
    s.panels.forEach((p) =>
      panels.push({
        id: p.id,
        kind: p.kind,
        title: p.title,
        position: p.position,
        layout: parseLayout(p.layout),
      }),
    );
    panels.sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
    const editors: WorkspaceEditorView[] = [];
    s.editors.forEach((e) =>
      editors.push({
        sessionId: e.sessionId,
        identityId: e.identityId,
        displayName: e.displayName,
        role: e.role,
        cursorPanel: e.cursorPanel || null,
        cursorIndex: e.cursorIndex,
      }),
    );
    const self = editors.find((e) => e.sessionId === room.sessionId);
    store.setState({
      name: s.name,
      layout: s.layout as WorkspaceLayoutMode,
      version: s.version,
      panels,
      editors,
      revision: s.revision,
      canEdit: !!self && self.role !== 'viewer',
    });
    store.setState({ texts: readTexts() });
  };
  room.onStateChange(fromState);
  room.onMessage(WORKSPACE_SERVER.docSync, (m: { update: Uint8Array }) => {
    Y.applyUpdate(doc, m.update, REMOTE);
    pendingSync?.();
  });
  room.onMessage(WORKSPACE_SERVER.docUpdate, (m: { update: Uint8Array }) =>
    Y.applyUpdate(doc, m.update, REMOTE),
  );
  room.onMessage(WORKSPACE_SERVER.saved, (m: { revision: number }) =>
    store.setState({ savedRevision: Math.max(store.getState().savedRevision, m.revision) }),
  );
  room.onMessage(WORKSPACE_SERVER.transformed, () => {});
  room.onMessage(SPATIAL_SERVER.error, (m: RealtimeErrorMessage) => store.setState({ refusal: m }));
  room.onMessage(SPATIAL_SERVER.db, () => {});
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    store.setState({ texts: readTexts() });
    if (origin !== REMOTE && room.connection.isOpen) room.send(WORKSPACE_CLIENT.docUpdate, { update });
  });
  await synced;
  fromState();
  let leaving = false;
  return {
    store,
    setText(panelId, next) {
      applyTextChange(doc.getText(panelTextName(panelId)), next);
    },
    setCursor: (panelId, index) => room.send(WORKSPACE_CLIENT.cursor, { panelId, index }),
    setLayout: (layout) => room.send(WORKSPACE_CLIENT.layout, { layout }),
    movePanel: (panelId, layout) => room.send(WORKSPACE_CLIENT.movePanel, { panelId, layout }),
    restore: (version) => room.send(WORKSPACE_CLIENT.restore, { version }),
    async leave() {
      if (leaving) return;
      leaving = true;
      room.onStateChange.remove(fromState);
      if (room.connection.isOpen) await room.leave(true);
      doc.destroy();
    },
  };
}
