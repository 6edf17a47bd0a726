import { Client, type Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import type { WorkspaceState } from '../../shared/schema/WorkspaceState.ts';
import { connect } from '../../server/db/connect.ts';
import {
  CAST,
  addMember,
  createCast,
  createDataspace,
  createWorkspace,
  mintToken,
  nextMessage,
  untilState,
  type Persona,
} from './realtimeHarness.ts';
import { spawnRealtime, type RealtimeProcess } from './spawnRealtime.ts';

const sql = connect(inject('databaseUrl'), { max: 2 });
let first: RealtimeProcess | undefined;
let second: RealtimeProcess | undefined;
let workspaceId: string;
let panelId: string;

beforeAll(async () => {
  await createCast(sql);
  const ds = await createDataspace(sql, 'a1', 'Atelier redémarré');
  await addMember(sql, 'b1', ds, 'editor');
  workspaceId = await createWorkspace(sql, 'a1', ds);
  const [panel] = await sql<{ id: string }[]>`
    insert into public.panels (identity_id, workspace_id, kind, title)
    values (${CAST.a1}, ${workspaceId}, 'notes', 'Notes') returning id`;
  panelId = panel!.id;
});
afterAll(async () => {
  await first?.stop('SIGKILL');
  await second?.stop();
  await sql.end({ timeout: 5 });
});

/** A persona's replica of the workspace document, joined on `port`. */
async function replica(port: number, persona: Persona) {
  const client = new Client(`ws://127.0.0.1:${port}`);
  client.auth.token = await mintToken(persona);
  const room: SdkRoom<unknown, WorkspaceState> = await client.joinOrCreate<WorkspaceState>('workspace', {
    workspaceId,
  });
  const doc = new Y.Doc();
  const synced = nextMessage<{ update: Uint8Array }>(room, 'docSync');
  room.onMessage('docUpdate', (m: { update: Uint8Array }) => Y.applyUpdate(doc, m.update, 'remote'));
  room.onMessage('saved', () => {});
  Y.applyUpdate(doc, (await synced).update, 'remote');
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') room.send('docUpdate', { update });
  });
  return { room, text: doc.getText(`panel:${panelId}`) };
}

describe('WorkspaceRoom (OCW) across a restart', () => {
  it("keeps both editors' acknowledged edits when the server process is killed", async () => {
    const env = { DATABASE_URL: inject('databaseUrl') };
    first = await spawnRealtime(env);
    const alice = await replica(first.port, 'a1');
    const bob = await replica(first.port, 'b1');
    // acknowledged = durable: a `saved` covering both updates, then a crash
    const durable = new Promise<void>((resolve) => {
      alice.room.onMessage('saved', (m: { revision: number }) => {
        if (m.revision >= 2) resolve();
      });
    });
    alice.text.insert(0, 'Alice: toiture. ');
    bob.text.insert(0, 'Bob: balcons. ');
    await untilState(alice.room, (s) => s.revision >= 2);
    await durable;
    await first.stop('SIGKILL');
    first = undefined;

    second = await spawnRealtime(env);
    const again = await replica(second.port, 'b1');
    expect(again.text.toString()).toContain('Alice: toiture. ');
    expect(again.text.toString()).toContain('Bob: balcons. ');
    await again.room.leave();
    // two realtime processes start here: under a loaded machine each takes seconds (tsx, Postgres)
  }, 90_000);
});
