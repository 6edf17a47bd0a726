import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WorkspaceState } from '../../shared/schema/WorkspaceState.ts';
import {
  CAST,
  clientAs,
  createDataspace,
  grantElevation,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
} from './realtimeHarness.ts';

let h: Harness;
let workspaceId: string;
let panelId: string;

beforeAll(async () => {
  h = await startHarness({ writeBehindMs: 20 });
  const ds = await createDataspace(h.sql, 'a1', 'Atelier partagé');
  await grantElevation(h.sql, 'b1', 'a1', ds, 'write');
  await grantElevation(h.sql, 'b2', 'a1', ds, 'read');
  const [ws] = await h.sql<{ id: string }[]>`
    insert into public.workspaces (identity_id, user_id, dataspace_id, name)
    values (${CAST.a1}, ${CAST.alice}, ${ds}, 'Plan de rénovation') returning id`;
  workspaceId = ws!.id;
  const [panel] = await h.sql<{ id: string }[]>`
    insert into public.panels (identity_id, workspace_id, kind, title)
    values (${CAST.a1}, ${workspaceId}, 'notes', 'Notes') returning id`;
  panelId = panel!.id;
});
afterAll(() => h.stop());

/** A client with its own Yjs replica wired to the room. */
async function editor(persona: 'a1' | 'b1' | 'b2') {
  const client = await clientAs(h, persona);
  const doc = new Y.Doc();
  const room: SdkRoom<unknown, WorkspaceState> = await client.joinOrCreate<WorkspaceState>('workspace', {
    workspaceId,
  });
  const synced = nextMessage<{ update: Uint8Array }>(room, 'docSync');
  room.onMessage('docUpdate', (m: { update: Uint8Array }) => Y.applyUpdate(doc, m.update, 'remote'));
  Y.applyUpdate(doc, (await synced).update, 'remote');
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') room.send('docUpdate', { update });
  });
  let savedRevision = 0;
  const savedWaiters: (() => void)[] = [];
  room.onMessage('saved', (m: { revision: number }) => {
    savedRevision = Math.max(savedRevision, m.revision);
    savedWaiters.splice(0).forEach((w) => w());
  });
  const untilSaved = async (revision: number): Promise<void> => {
    while (savedRevision < revision) await new Promise<void>((resolve) => savedWaiters.push(resolve));
  };
  const text = doc.getText(`panel:${panelId}`);
  const until = (predicate: (s: string) => boolean) =>
    new Promise<void>((resolve) => {
      if (predicate(text.toString())) return resolve();
      const check = () => {
        if (predicate(text.toString())) {
          text.unobserve(check);
          resolve();
        }
      };
      text.observe(check);
    });
  return { room, doc, text, until, untilSaved };
}

describe('WorkspaceRoom (OCW, Yjs)', () => {
  it('converges concurrent edits of one panel without losing either', async () => {
    const alice = await editor('a1');
    const bob = await editor('b1');
    await untilState(alice.room, (s) => s.panels.has(panelId) && s.editors.size === 2);
    // both type at the same place before seeing each other's edit
    alice.text.insert(0, 'Toiture au printemps. ');
    bob.text.insert(0, 'Balcons en juin. ');
    const both = (s: string) => s.includes('Toiture au printemps. ') && s.includes('Balcons en juin. ');
    await Promise.all([alice.until(both), bob.until(both)]);
    expect(alice.text.toString()).toBe(bob.text.toString());
    // a late joiner gets the merged document at once
    const carol = await editor('a1');
    expect(carol.text.toString()).toBe(alice.text.toString());
    await untilState(alice.room, (s) => s.revision >= 2);
    await Promise.all([alice.room.leave(), bob.room.leave(), carol.room.leave()]);
  });

  it('refuses edits from a viewer and keeps the merged text in ocw_sessions', async () => {
    const viewer = await editor('b2');
    const refused = nextMessage<{ code: string }>(viewer.room, 'error');
    viewer.text.insert(0, 'intrus ');
    expect((await refused).code).toBe('forbidden');
    const owner = await editor('a1');
    expect(owner.text.toString()).not.toContain('intrus');
    owner.text.insert(owner.text.length, 'Fin.');
    const saved = async () => {
      const [row] = await h.sql<{ texts: Record<string, string> }[]>`
        select document -> 'texts' as texts from public.ocw_sessions
        where workspace_id = ${workspaceId} and status = 'active'`;
      return row?.texts?.[panelId] ?? '';
    };
    // write-behind: once the room acknowledges the revision, Postgres has the merged text
    await untilState(owner.room, (s) => s.revision >= 3);
    await owner.untilSaved(owner.room.state.revision);
    expect(await saved()).toBe(owner.text.toString());
    await Promise.all([viewer.room.leave(), owner.room.leave()]);
  });
});

describe('WorkspaceRoom (layout through the versioned history)', () => {
  it('moves a panel and changes the layout as new versions, then restores an earlier one', async () => {
    const alice = await editor('a1');
    const bob = await editor('b1');
    await untilState(bob.room, (s) => s.editors.size === 2);
    const start = alice.room.state.version;
    const moved = nextMessage<{ version: number; kind: string }>(bob.room, 'transformed');
    // Alice hears of her own move too: awaited, so the next listener on her room gets the next one
    const movedToAlice = nextMessage<{ version: number }>(alice.room, 'transformed');
    alice.room.send('movePanel', { panelId, layout: { col: 2, row: 1, w: 2, h: 1 } });
    expect(await moved).toEqual({ version: start + 1, kind: 'move_panel' });
    expect((await movedToAlice).version).toBe(start + 1);
    await untilState(bob.room, (s) => JSON.parse(s.panels.get(panelId)!.layout).col === 2);
    expect(JSON.parse(bob.room.state.panels.get(panelId)!.layout)).toEqual({ col: 2, row: 1, w: 2, h: 1 });
    const walled = nextMessage<{ version: number }>(alice.room, 'transformed');
    bob.room.send('layout', { layout: 'wall' });
    expect((await walled).version).toBe(start + 2);
    await untilState(alice.room, (s) => s.layout === 'wall');

    // what the database holds: the panel, the workspace, two transformations, full states
    const [ws] = await h.sql<{ layout: string; version: string }[]>`
      select layout, version from public.workspaces where id = ${workspaceId}`;
    expect(ws).toEqual({ layout: 'wall', version: String(start + 2) });
    const kinds = await h.sql<{ kind: string; created_by: string }[]>`
      select kind, created_by from public.workspace_transformations
      where workspace_id = ${workspaceId} and to_version > ${start} order by to_version`;
    expect(kinds).toEqual([
      { kind: 'move_panel', created_by: CAST.a1 },
      { kind: 'layout', created_by: CAST.b1 },
    ]);

    // back to before the move: the panel returns to its place, the layout to grid
    const restored = nextMessage<{ version: number; kind: string }>(alice.room, 'transformed');
    bob.room.send('restore', { version: start });
    expect(await restored).toEqual({ version: start + 3, kind: 'restore' });
    await untilState(alice.room, (s) => s.layout === 'grid' && s.version === start + 3);
    expect(JSON.parse(alice.room.state.panels.get(panelId)!.layout)).toEqual({});
    const [panel] = await h.sql<
      { layout: unknown }[]
    >`select layout from public.panels where id = ${panelId}`;
    expect(panel!.layout).toEqual({});
    await Promise.all([alice.room.leave(), bob.room.leave()]);
  });

  it("shows each editor's caret to the others", async () => {
    const alice = await editor('a1');
    const bob = await editor('b1');
    alice.room.send('cursor', { panelId, index: 4 });
    await untilState(bob.room, (s) =>
      [...s.editors.values()].some((e) => e.cursorPanel === panelId && e.cursorIndex === 4),
    );
    const mine = bob.room.state.editors.get(alice.room.sessionId)!;
    expect(mine.identityId).toBe(CAST.a1);
    await Promise.all([alice.room.leave(), bob.room.leave()]);
  });
});
