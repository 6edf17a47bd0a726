import type { Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
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
} from './realtimeHarness.ts';

let h: Harness;
let dataspaceId: string;
let threadId: string;
let workspaceId: string;

beforeAll(async () => {
  h = await startHarness({ writeBehindMs: 20 });
  dataspaceId = await createDataspace(h.sql, 'a1', 'Salle des lieux');
  await addMember(h.sql, 'b1', dataspaceId, 'editor');
  await addMember(h.sql, 'b2', dataspaceId, 'viewer');
  const [thread] = await h.sql<{ id: string }[]>`
    insert into public.threads (identity_id, dataspace_id, title)
    values (${CAST.a1}, ${dataspaceId}, 'Toiture') returning id`;
  threadId = thread!.id;
  workspaceId = await createWorkspace(h.sql, 'a1', dataspaceId);
});
afterAll(() => h.stop());

async function enter(persona: Persona, place?: string): Promise<SdkRoom<unknown, SpatialState>> {
  const client = await clientAs(h, persona);
  const room = place
    ? await client.joinOrCreate<SpatialState>('place', { dataspaceId, place })
    : await client.joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

describe('PlaceRoom (threads and workspaces as rooms)', () => {
  it('seats the dataspace people in a thread room of its own, apart from the dataspace room', async () => {
    const hall = await enter('a1');
    const alice = await enter('a1', `thread:${threadId}`);
    const bob = await enter('b1', `thread:${threadId}`);
    expect(alice.roomId).not.toBe(hall.roomId);
    expect(bob.roomId).toBe(alice.roomId);
    await untilState(alice, (s) => s.avatars.size === 2);
    expect(alice.state.place).toBe(`thread:${threadId}`);
    expect(alice.state.name).toBe('Toiture');
    expect(hall.state.place).toBe('');
    // the dataspace room only holds the person standing in it
    expect(hall.state.avatars.size).toBe(1);
    const roles = [...alice.state.avatars.values()].map(
      (a) => `${a.identityId === CAST.b1 ? 'bob' : 'alice'}:${a.role}`,
    );
    expect(roles.sort()).toEqual(['alice:host', 'bob:participant']);
    await Promise.all([hall.leave(), alice.leave(), bob.leave()]);
  });

  it("keeps a place room's objects in its own room row", async () => {
    const room = await enter('a1', `workspace:${workspaceId}`);
    expect(room.state.name).toBe('Atelier de test');
    const saved = nextMessage(room, 'saved');
    room.send('placeObject', { kind: 'memory_card', p: [0, 1, 0], q: [0, 0, 0, 1], s: [0.3, 0.3, 0.3] });
    await saved;
    const rows = await h.sql<{ kind: string; workspace_id: string | null; objects: number }[]>`
      select r.kind, r.workspace_id, count(o.id)::int as objects from public.xr_rooms r
      left join public.spatial_objects o on o.room_id = r.id
      where r.dataspace_id = ${dataspaceId} group by r.id order by r.kind`;
    expect(rows.find((r) => r.kind === 'workspace')).toEqual({
      kind: 'workspace',
      workspace_id: workspaceId,
      objects: 1,
    });
    expect(rows.filter((r) => r.kind === 'dataspace').every((r) => r.objects === 0)).toBe(true);
    const hall = await enter('a1');
    expect(hall.state.objects.size).toBe(0);
    await Promise.all([room.leave(), hall.leave()]);
  });

  it('seats a viewer member as a viewer in a place room, as in the dataspace room', async () => {
    const viewer = await enter('b2', `thread:${threadId}`);
    expect(viewer.state.avatars.get(viewer.sessionId)?.role).toBe('viewer');
    const refused = nextMessage<{ code: string }>(viewer, 'error');
    viewer.send('placeObject', { kind: 'memory_card', p: [0, 1, 0], q: [0, 0, 0, 1], s: [0.3, 0.3, 0.3] });
    expect((await refused).code).toBe('forbidden');
    await viewer.leave();
  });
});
