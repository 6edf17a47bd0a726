import { ErrorCode, Room, ServerError, type Client } from '@colyseus/core';
import * as Y from 'yjs';
import { canEdit } from '../../shared/protocol/roomRules.ts';
import { REALTIME_ERRORS, type RoomRole } from '../../shared/protocol/spatialProtocol.ts';
import {
  WORKSPACE_SERVER,
  WorkspaceJoinOptions,
  workspaceClientSchemas,
} from '../../shared/protocol/workspaceProtocol.ts';
import { Editor, Panel, WorkspaceState } from '../../shared/schema/WorkspaceState.ts';
import { registerGuardedMessages, sendError } from '../realtime/guardedMessages.ts';
import { realtimeDeps, type RealtimeDeps } from '../realtime/realtimeContext.ts';
import { authenticateJoin, RoomSeats, type RoomAuth } from '../realtime/RoomSeats.ts';

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
      const [ws] = await tx<{ identity_id: string; name: string }[]>`
        select identity_id, name from public.workspaces where id = ${workspaceId}`;
      if (!ws) return undefined;
      const panels = await tx<{ id: string; kind: string; title: string; position: number }[]>`
        select id, kind, title, position from public.panels where workspace_id = ${workspaceId} order by position, id`;
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
      this.state.panels.set(p.id, panel);
    }
    registerGuardedMessages(
      this,
      workspaceClientSchemas,
      new Set(['docUpdate']),
      this.deps.timings,
      (client, _t, msg) => this.onDocUpdate(client, msg.update),
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
