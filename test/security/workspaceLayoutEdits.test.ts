/**
 * Door: the workspace room's edits (issue 16) — `layout`, `movePanel`, `restore`, `cursor` and the
 * Yjs `docUpdate`. A viewer member edits nothing (text, layout, restore); bad layout values are a
 * room error to the sender and nothing stored changes; a restore names a version of THIS workspace
 * only (another workspace's version is not found, even one of the same owner); a panel of another
 * workspace cannot be moved or pointed at.
 */
import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WorkspaceState } from '../../shared/schema/WorkspaceState.ts';
import {
  CAST,
  addMember,
  clientAs,
  createDataspace,
  createWorkspace,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
  type Persona,
} from '../realtime/realtimeHarness.ts';

let h: Harness;
let workspaceId: string;
let otherWorkspaceId: string;
let panelId: string;
let otherPanelId: string;

async function panel(workspace: string): Promise<string> {
  const [p] = await h.sql<{ id: string }[]>`
    insert into public.panels (identity_id, workspace_id, kind, title, layout)
    values (${CAST.a1}, ${workspace}, 'notes', 'Notes', '{"col": 1, "row": 0}') returning id`;
  return p!.id;
}

/** What the database holds of the workspace: version, layout, panel layout, transformations. */
async function stored() {
  const [row] = await h.sql<{ version: string; layout: string; panel: unknown; moves: number }[]>`
    select w.version, w.layout, (select layout from public.panels where id = ${panelId}) as panel,
           (select count(*)::int from public.workspace_transformations where workspace_id = w.id) as moves
    from public.workspaces w where w.id = ${workspaceId}`;
  return row!;
}

async function enter(persona: Persona): Promise<SdkRoom<unknown, WorkspaceState>> {
  const client = await clientAs(h, persona);
  const room = await client.joinOrCreate<WorkspaceState>('workspace', { workspaceId });
  room.onMessage('docSync', () => {});
  room.onMessage('docUpdate', () => {});
  room.onMessage('saved', () => {});
  room.onMessage('transformed', () => {});
  await untilState(room, (s) => s.editors?.has(room.sessionId) === true);
  return room;
}

/** Sends one message and resolves with the error the sender gets. */
function refused(room: SdkRoom, type: string, body: unknown): Promise<{ code: string; type: string }> {
  const error = nextMessage<{ code: string; type: string }>(room, 'error');
  room.send(type, body);
  return error;
}

beforeAll(async () => {
  h = await startHarness({ writeBehindMs: 20 });
  const ds = await createDataspace(h.sql, 'a1', 'Atelier gardé');
  await addMember(h.sql, 'b1', ds, 'editor');
  await addMember(h.sql, 'b2', ds, 'viewer');
  workspaceId = await createWorkspace(h.sql, 'a1', ds);
  otherWorkspaceId = await createWorkspace(h.sql, 'a1', ds);
  panelId = await panel(workspaceId);
  otherPanelId = await panel(otherWorkspaceId);
  // the other workspace has a long history: versions 1..5 exist there, not here
  for (let v = 1; v <= 5; v += 1) {
    await h.sql`insert into public.workspace_state_history (identity_id, workspace_id, version, state)
                values (${CAST.a1}, ${otherWorkspaceId}, ${v}, ${h.sql.json({ layout: 'free', panels: { [panelId]: { x: 9, y: 9, z: 9, rotY: 0 } } })})`;
  }
});
afterAll(() => h.stop());

describe('workspace room edits: who and what', () => {
  it('refuses every edit of a viewer member and stores nothing', async () => {
    const before = await stored();
    const viewer = await enter('b2');
    expect(viewer.state.editors.get(viewer.sessionId)?.role).toBe('viewer');
    for (const [type, body] of [
      ['layout', { layout: 'wall' }],
      ['movePanel', { panelId, layout: { col: 3, row: 3 } }],
      ['restore', { version: 0 }],
    ] as const) {
      expect(await refused(viewer, type, body), type).toMatchObject({ code: 'forbidden', type });
    }
    const doc = new Y.Doc();
    doc.getText(`panel:${panelId}`).insert(0, 'intrus');
    expect(await refused(viewer, 'docUpdate', { update: Y.encodeStateAsUpdate(doc) })).toMatchObject({
      code: 'forbidden',
    });
    expect(await stored()).toEqual(before);
    await viewer.leave();
  });

  it('answers bad layout values with a room error and keeps what is stored', async () => {
    const before = await stored();
    const editor = await enter('b1');
    const bad: [string, unknown][] = [
      ['layout', { layout: 'spiral' }],
      ['layout', { layout: 'grid', extra: 1 }],
      ['movePanel', { panelId, layout: { col: 99, row: 0 } }],
      ['movePanel', { panelId, layout: { col: 1, row: 0, w: 0 } }],
      ['movePanel', { panelId, layout: { col: 1.5, row: 0 } }],
      ['movePanel', { panelId, layout: { x: 1e9, y: 0, z: 0, rotY: 0 } }],
      ['movePanel', { panelId, layout: { x: Number.NaN, y: 0, z: 0, rotY: 0 } }],
      ['movePanel', { panelId, layout: { col: 1, row: 0, script: '<b>' } }],
      ['movePanel', { panelId: 'not-a-panel', layout: { col: 1, row: 0 } }],
      ['restore', { version: -1 }],
      ['restore', { version: 'latest' }],
      ['cursor', { panelId, index: -3 }],
    ];
    for (const [type, body] of bad) {
      expect(await refused(editor, type, body), JSON.stringify(body)).toMatchObject({
        code: 'invalid_message',
      });
    }
    expect(await stored()).toEqual(before);
    expect(editor.state.layout).toBe(before.layout);
    await editor.leave();
  });

  it("refuses a restore of another workspace's version and a panel of another workspace", async () => {
    const before = await stored();
    const owner = await enter('a1');
    expect(await refused(owner, 'restore', { version: 4 })).toMatchObject({
      code: 'not_found',
      type: 'restore',
    });
    expect(
      await refused(owner, 'movePanel', { panelId: otherPanelId, layout: { col: 0, row: 0 } }),
    ).toMatchObject({
      code: 'not_found',
    });
    expect(await refused(owner, 'cursor', { panelId: otherPanelId, index: 0 })).toMatchObject({
      code: 'not_found',
    });
    expect(await stored()).toEqual(before);
    const [other] = await h.sql<
      { layout: unknown }[]
    >`select layout from public.panels where id = ${otherPanelId}`;
    expect(other!.layout).toEqual({ col: 1, row: 0 });
    await owner.leave();
  });
});
