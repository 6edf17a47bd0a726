/**
 * Door: who writes a room's anchors and objects (issue 18, one writer per record). The spatial room
 * keeps them in its state and persists them write-behind, so it is their only writer: before,
 * `supabase/functions/xr` also created, updated and deleted them, an API edit was overwritten at the
 * room's next flush and an API delete came back (scale [5,5,5] read [0.3,0.3,0.3] after a move; a
 * deleted object answered 200 again). Tried here as the owner and as others, through the API and
 * straight at the database (the path a hosted project's PostgREST opens): every write is refused,
 * nothing the room stored changes, and the API reads exactly what the room acknowledged.
 */
import { Client, type Room as SdkRoom } from '@colyseus/sdk';
import type { TransactionSql } from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { useClientStack } from '../e2e/clientStack.ts';
import {
  addMember,
  asPersona,
  createDataspace,
  grantElevation,
  mintToken,
  nextMessage,
  untilState,
  type Persona,
} from '../realtime/realtimeHarness.ts';

const stack = useClientStack('room_writer', { realtime: true, timings: { writeBehindMs: 50 } });
let dataspaceId: string;
let roomId: string;
let room: SdkRoom<unknown, SpatialState>;
let objectId: string;
let anchorId: string;

/** Resolves once the room says `objectId` is durable at `version` or later. */
const savedAt = (version: number) =>
  new Promise<void>((resolve) => {
    const off = room.onMessage('saved', (m: { objects: { id: string; version: number }[] }) => {
      if (m.objects.some((o) => o.id === objectId && o.version >= version)) {
        off();
        resolve();
      }
    });
  });

/** The room moves the object (grab, move, release) and resolves when the move is durable. */
async function roomMoves(x: number, version: number): Promise<void> {
  const granted = nextMessage<{ granted: boolean }>(room, 'grab');
  room.send('grab', { objectId });
  expect((await granted).granted).toBe(true);
  const saved = savedAt(version);
  room.send('move', { objectId, p: [x, 1, 0], q: [0, 0, 0, 1] });
  await saved;
  room.send('release', { objectId });
}

async function call(persona: Persona, method: string, path: string, body?: unknown): Promise<Response> {
  const token = await mintToken(persona, { issuer: `${stack.api().url}/auth/v1` });
  return fetch(`${stack.api().url}/functions/v1/xr${path}`, {
    method,
    headers: {
      apikey: stack.api().anonKey,
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

const stored = () =>
  stack.sql()<{ id: string; position: number[]; scale: number[]; version: number }[]>`
    select id, position, scale, version::int as version from public.spatial_objects where room_id = ${roomId}`;

beforeAll(async () => {
  dataspaceId = await createDataspace(stack.sql(), 'a1');
  await addMember(stack.sql(), 'b1', dataspaceId, 'host');
  await grantElevation(stack.sql(), 'b2', 'a1', dataspaceId, 'write');
  const client = new Client(stack.realtimeUrl());
  client.auth.token = await mintToken('a1');
  room = await client.joinOrCreate<SpatialState>('spatial', { dataspaceId });
  // acknowledgements nobody waits for (the anchor's) are expected: the waits below add their own
  room.onMessage('saved', () => undefined);
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  room.send('placeAnchor', { label: 'Mur nord', p: [0, 1.5, -3], q: [0, 0, 0, 1] });
  await untilState(room, (s) => s.anchors.size === 1);
  anchorId = [...room.state.anchors.keys()][0]!;
  room.send('placeObject', {
    kind: 'memory_card',
    anchorId,
    p: [0, 1, 0],
    q: [0, 0, 0, 1],
    s: [0.3, 0.3, 0.3],
  });
  await untilState(room, (s) => s.objects.size === 1);
  objectId = [...room.state.objects.keys()][0]!;
  await roomMoves(0.5, 1);
  const [xrRoom] = await stack.sql()<{ id: string }[]>`
    select id from public.xr_rooms where dataspace_id = ${dataspaceId} and kind = 'dataspace'`;
  roomId = xrRoom!.id;
});
afterAll(async () => {
  await room?.leave();
});

describe('spatial anchors and objects: the room is their one writer', () => {
  it('reads through the API what the room acknowledged', async () => {
    const objects = await call('a1', 'GET', `/rooms/${roomId}/objects`);
    expect(objects.status).toBe(200);
    const [object] = (await objects.json()).data as { id: string; position: number[]; version: number }[];
    expect(object).toMatchObject({ id: objectId, position: [0.5, 1, 0], version: 1 });
    const anchor = await call('a1', 'GET', `/rooms/${roomId}/anchors/${anchorId}`);
    expect(await anchor.json()).toMatchObject({ id: anchorId, label: 'Mur nord' });
    // a member reads them too (RLS: members from viewer up)
    expect((await call('b1', 'GET', `/rooms/${roomId}/objects/${objectId}`)).status).toBe(200);
  });

  it('refuses every API write, as the owner, a host member and an elevated identity, storing nothing', async () => {
    const before = await stored();
    const writes: [string, string, unknown?][] = [
      ['POST', `/rooms/${roomId}/objects`, { kind: 'note', position: [1, 1, 1] }],
      ['PATCH', `/rooms/${roomId}/objects/${objectId}`, { scale: [5, 5, 5] }],
      ['DELETE', `/rooms/${roomId}/objects/${objectId}`],
      ['POST', `/rooms/${roomId}/anchors`, { label: 'Intrus' }],
      ['PATCH', `/rooms/${roomId}/anchors/${anchorId}`, { label: 'Intrus' }],
      ['DELETE', `/rooms/${roomId}/anchors/${anchorId}`],
    ];
    for (const persona of ['a1', 'b1', 'b2'] as const) {
      for (const [method, path, body] of writes) {
        const res = await call(persona, method, path, body);
        expect(res.status, `${persona} ${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${persona} ${method} ${path}`).toBeLessThan(500);
        expect((await res.json()).error.code, `${persona} ${method} ${path}`).toEqual(expect.any(String));
      }
    }
    expect(await stored()).toEqual(before);
    expect(room.state.objects.has(objectId)).toBe(true);
  });

  it('refuses every write straight at the database (the PostgREST path), whoever asks', async () => {
    const attempts: [string, (tx: TransactionSql) => Promise<unknown>][] = [
      [
        'update object',
        (tx) => tx`update public.spatial_objects set scale = '{5,5,5}' where id = ${objectId}`,
      ],
      ['delete object', (tx) => tx`delete from public.spatial_objects where id = ${objectId}`],
      [
        'insert object',
        (tx) => tx`insert into public.spatial_objects (room_id, kind) values (${roomId}, 'note')`,
      ],
      [
        'update anchor',
        (tx) => tx`update public.spatial_anchors set label = 'Intrus' where id = ${anchorId}`,
      ],
      ['delete anchor', (tx) => tx`delete from public.spatial_anchors where id = ${anchorId}`],
      [
        'insert anchor',
        (tx) => tx`insert into public.spatial_anchors (room_id, label) values (${roomId}, 'Intrus')`,
      ],
    ];
    for (const persona of ['a1', 'b1', 'b2'] as const) {
      for (const [name, attempt] of attempts) {
        await expect(asPersona(stack.sql(), persona, attempt), `${persona} ${name}`).rejects.toMatchObject({
          code: '42501',
        });
      }
    }
  });

  it('keeps what the room writes next: its later moves land, and the object never comes back from the API', async () => {
    await roomMoves(2, 2);
    const [object] = await stored();
    expect(object).toMatchObject({ id: objectId, position: [2, 1, 0], scale: [0.3, 0.3, 0.3], version: 2 });
    const deleted = new Promise<void>((resolve) => {
      const off = room.onMessage('saved', (m: { deleted: string[] }) => {
        if (m.deleted.includes(objectId)) {
          off();
          resolve();
        }
      });
    });
    room.send('removeObject', { objectId });
    await deleted;
    // the room's removal is durable: the API answers it like an id that exists nowhere, for good
    expect((await call('a1', 'GET', `/rooms/${roomId}/objects/${objectId}`)).status).toBe(404);
    expect(await stored()).toEqual([]);
  });
});
