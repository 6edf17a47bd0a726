import { ErrorCode, Room, ServerError, type Client } from '@colyseus/core';
import * as Y from 'yjs';
import { canEdit } from '../../shared/protocol/roomRules.ts';
import { REALTIME_ERRORS, type RoomRole } from '../../shared/protocol/spatialProtocol.ts';
import {
  WORKSPACE_SERVER,
  WorkspaceJoinOptions,
  workspaceClientSchemas,
  type WorkspaceClientType,
  type WorkspaceTransformed,
} from '../../shared/protocol/workspaceProtocol.ts';
import type { z } from 'zod';
import { ApiError } from '../../supabase/functions/_shared/errors.ts';
import {
  restoreWorkspace,
  transformWorkspace,
  type WorkspaceChange,
} from '../../supabase/functions/_shared/workspaceTransform.ts';
import { Editor, Panel, WorkspaceState } from '../../shared/schema/WorkspaceState.ts';
import { registerGuardedMessages, sendError } from '../realtime/guardedMessages.ts';
import { realtimeDeps, type RealtimeDeps } from '../realtime/realtimeContext.ts';
import { authenticateJoin, RoomSeats, type RoomAuth } from '../realtime/RoomSeats.ts';

type Msg<K extends WorkspaceClientType> = z.output<(typeof workspaceClientSchemas)[K]>;

/** The workspace columns a room's transformation reads back (it needs none of the others). */
const TRANSFORM_COLUMNS = ['id', 'version', 'layout'] as const;

/** A panel's text is the Y.Text named `panel:<panelId>` in the workspace's document. */
export const PANEL_TEXT_PREFIX = 'panel:';

/** The room id of a workspace's room. */
export function workspaceRoomId(workspaceId: string): string {
  return `ws-${workspaceId}`;
}

/**
 * A workspace room: its panels, and OCW collaborative editing of their texts through one Yjs
 * document (a CRDT: concurrent edits converge, none is lost). The server applies every update to
 * its own copy, relays it to the others, and persists the merged state to the workspace's active
 * ocw_sessions row (write-behind, and on dispose); a restart resumes from it. The database decides
 * who edits, about this room's own workspace (RoomSeats), for as long as the seat lasts.
 *
 * Editors also lay the workspace out: its layout mode and each panel's place are changed through
 * the workspace's versioned history (`transformWorkspace`, the API's own rule, run as the editor so
 * RLS decides too), and any earlier version of THIS workspace can be restored. Carets are shown
 * to the others through each editor's `cursorPanel` / `cursorIndex`.
 */
export class WorkspaceRoom extends Room<{ state: WorkspaceState }> {
  override state = new WorkspaceState();
  private deps!: RealtimeDeps;
  private readonly doc = new Y.Doc();
  private sessionId = '';
  private ownerIdentityId = '';
  private saveScheduled = false;
  private saving: Promise<void> = Promise.resolve();
  private participants = new Set<string>();
  private seats!: RoomSeats;
  /** Layout changes commit one after the other, in the order they arrived. */
  private transforming: Promise<void> = Promise.resolve();

  static override onAuth(token: string, options: unknown): Promise<RoomAuth> {
    return authenticateJoin(
      'workspace',
      token,
      () => WorkspaceJoinOptions.parse(options).workspaceId,
      '{ workspaceId: uuid }',
    );
  }

  override async onCreate(options: unknown): Promise<void> {
    this.deps = realtimeDeps();
    const { workspaceId } = WorkspaceJoinOptions.parse(options);
    this.roomId = workspaceRoomId(workspaceId);
    const loaded = await this.deps.db.withService(async (tx) => {
      const [ws] = await tx<{ identity_id: string; name: string; layout: string; version: string }[]>`
        select identity_id, name, layout, version from public.workspaces where id = ${workspaceId}`;
      if (!ws) return undefined;
      const panels = await tx<
        { id: string; kind: string; title: string; position: number; layout: unknown }[]
      >`select id, kind, title, position, layout from public.panels
        where workspace_id = ${workspaceId} order by position, id`;
      // the one active OCW session of the workspace, opened on first use
      const [session] = await tx<{ id: string; document: { yjs?: string }; revision: string }[]>`
        insert into public.ocw_sessions (identity_id, workspace_id)
        values (${ws.identity_id}, ${workspaceId})
        on conflict (workspace_id) where status = 'active' do update set updated_at = now()
        returning id, document, revision`;
      return { ws, panels, session: session! };
    });
    if (!loaded) throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'realtime: no such workspace');
    this.ownerIdentityId = loaded.ws.identity_id;
    this.sessionId = loaded.session.id;
    if (loaded.session.document.yjs) {
      Y.applyUpdate(this.doc, Buffer.from(loaded.session.document.yjs, 'base64'));
    }
    this.state.workspaceId = workspaceId;
    this.state.name = loaded.ws.name;
    this.state.layout = loaded.ws.layout;
    this.state.version = Number(loaded.ws.version);
    this.state.revision = Number(loaded.session.revision);
    this.seats = new RoomSeats(this, this.deps, 'workspace', workspaceId, {
      roleChanged: (sessionId, role, access) => {
        const editor = this.state.editors.get(sessionId);
        if (!editor) return;
        editor.role = role;
        editor.access = access;
      },
    });
    for (const p of loaded.panels) {
      const panel = new Panel();
      panel.id = p.id;
      panel.kind = p.kind;
      panel.title = p.title;
      panel.position = p.position;
      panel.layout = JSON.stringify(p.layout ?? {});
      this.state.panels.set(p.id, panel);
    }
    registerGuardedMessages(
      this,
      workspaceClientSchemas,
      new Set(['docUpdate', 'cursor']),
      this.deps.timings,
      (client, type, msg) => this.dispatch(client, type, msg),
    );
  }

  override async onJoin(client: Client): Promise<void> {
    const seat = await this.seats.admit(client);
    const editor = new Editor();
    editor.sessionId = client.sessionId;
    editor.identityId = seat.identityId;
    editor.displayName = seat.displayName;
    editor.role = seat.role;
    editor.access = seat.access;
    this.state.editors.set(client.sessionId, editor);
    this.participants.add(seat.identityId);
    client.send(WORKSPACE_SERVER.docSync, { update: Y.encodeStateAsUpdate(this.doc) });
  }

  override onLeave(client: Client): void {
    this.state.editors.delete(client.sessionId);
    this.seats.release(client.sessionId);
  }

  override async onDispose(): Promise<void> {
    this.seats?.dispose();
    await this.save();
    this.doc.destroy();
  }

  private dispatch(client: Client, type: WorkspaceClientType, msg: unknown): void {
    switch (type) {
      case 'docUpdate':
        return this.onDocUpdate(client, (msg as Msg<'docUpdate'>).update);
      case 'cursor':
        return this.onCursor(client, msg as Msg<'cursor'>);
      case 'layout':
        return this.transform(client, type, {
          kind: 'layout',
          description: 'layout',
          ...(msg as Msg<'layout'>),
        });
      case 'movePanel': {
        const { panelId, layout } = msg as Msg<'movePanel'>;
        if (!this.state.panels.has(panelId)) {
          return sendError(client, REALTIME_ERRORS.notFound, 'no such panel in this workspace', type);
        }
        return this.transform(client, type, {
          kind: 'move_panel',
          description: `move of panel ${panelId}`,
          panels: { [panelId]: layout },
        });
      }
      case 'restore':
        return this.transform(client, type, (msg as Msg<'restore'>).version);
    }
  }

  private onCursor(client: Client, msg: Msg<'cursor'>): void {
    const editor = this.state.editors.get(client.sessionId);
    if (!editor) return;
    if (msg.panelId !== '' && !this.state.panels.has(msg.panelId)) {
      return sendError(client, REALTIME_ERRORS.notFound, 'no such panel in this workspace', 'cursor');
    }
    editor.cursorPanel = msg.panelId;
    editor.cursorIndex = msg.index;
  }

  /**
   * A layout change or a restore (a version number), committed through the workspace's history as
   * the editor's own identity, then shown to everyone; refused to a viewer, and an unknown version
   * or panel is an error to the sender only.
   */
  private transform(client: Client, type: WorkspaceClientType, change: WorkspaceChange | number): void {
    const editor = this.state.editors.get(client.sessionId);
    const seat = this.seats.get(client.sessionId);
    if (!editor || !seat || !canEdit(editor.role as RoomRole)) {
      return sendError(client, REALTIME_ERRORS.forbidden, 'a viewer cannot change the layout', type);
    }
    const workspaceId = this.state.workspaceId;
    this.transforming = this.transforming.then(async () => {
      try {
        const outcome = await this.deps.db.withUser(seat.claims, async (tx) => {
          const done =
            typeof change === 'number'
              ? await restoreWorkspace(tx, seat.identityId, workspaceId, change, TRANSFORM_COLUMNS)
              : await transformWorkspace(tx, seat.identityId, workspaceId, change, TRANSFORM_COLUMNS);
          const panels = await tx<{ id: string; layout: unknown }[]>`
            select id, layout from public.panels where workspace_id = ${workspaceId}`;
          return { done, panels };
        });
        const workspace = outcome.done.workspace as { layout: string };
        this.state.version = outcome.done.version;
        this.state.layout = workspace.layout;
        for (const row of outcome.panels) {
          const panel = this.state.panels.get(row.id);
          if (panel) panel.layout = JSON.stringify(row.layout ?? {});
        }
        const kind = typeof change === 'number' ? 'restore' : change.kind;
        this.broadcast(WORKSPACE_SERVER.transformed, {
          version: outcome.done.version,
          kind,
        } as WorkspaceTransformed);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'not_found') {
          return sendError(client, REALTIME_ERRORS.notFound, error.message, type);
        }
        const code = (error as { code?: string }).code;
        // RLS refused the write: the database, not the room, decided this identity may not edit
        if (code === '42501') {
          return sendError(client, REALTIME_ERRORS.forbidden, 'not allowed to change this workspace', type);
        }
        this.deps.log('room.transform_failed', { roomId: this.roomId, error: (error as Error).message });
        sendError(client, REALTIME_ERRORS.invalidMessage, 'the change could not be saved', type);
      }
    });
  }

  private onDocUpdate(client: Client, update: Uint8Array): void {
    const editor = this.state.editors.get(client.sessionId);
    if (!editor || !canEdit(editor.role as RoomRole)) {
      return sendError(client, REALTIME_ERRORS.forbidden, 'a viewer cannot edit', 'docUpdate');
    }
    try {
      Y.applyUpdate(this.doc, update, client.sessionId);
    } catch {
      return sendError(client, REALTIME_ERRORS.invalidMessage, 'not a Yjs update', 'docUpdate');
    }
    this.state.revision += 1;
    this.broadcast(WORKSPACE_SERVER.docUpdate, { update }, { except: client });
    if (!this.saveScheduled) {
      this.saveScheduled = true;
      this.clock.setTimeout(() => {
        this.saveScheduled = false;
        void this.save();
      }, this.deps.timings.writeBehindMs);
    }
  }

  /** Writes the merged document (Yjs state + plain texts for readers without Yjs) and the revision. */
  private save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const texts: Record<string, string> = {};
      for (const name of this.doc.share.keys()) {
        if (name.startsWith(PANEL_TEXT_PREFIX))
          texts[name.slice(PANEL_TEXT_PREFIX.length)] = this.doc.getText(name).toString();
      }
      const revision = this.state.revision;
      const document = { yjs: Buffer.from(Y.encodeStateAsUpdate(this.doc)).toString('base64'), texts };
      try {
        await this.deps.db.withService(
          (tx) => tx`
            update public.ocw_sessions
            set document = ${tx.json(document)}, revision = greatest(revision, ${revision}),
                participant_identity_ids = (select array(select distinct unnest(participant_identity_ids || ${[
                  ...this.participants,
                ]}::uuid[])))
            where id = ${this.sessionId} and identity_id = ${this.ownerIdentityId}`,
        );
        this.broadcast(WORKSPACE_SERVER.saved, { revision });
      } catch (error) {
        this.deps.log('room.persist_failed', { roomId: this.roomId, error: (error as Error).message });
      }
    });
    return this.saving;
  }
}
