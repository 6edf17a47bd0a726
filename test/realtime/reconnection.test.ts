import type { Client, Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import {
  clientAs,
  createDataspace,
  grantElevation,
  nextMessage,
  startHarness,
  untilState,
  type Harness,
} from './realtimeHarness.ts';

const WINDOW_S = 1;
let h: Harness;
let dataspaceId: string;
const events: { event: string; sessionId?: unknown }[] = [];

beforeAll(async () => {
  h = await startHarness({ reconnectSeconds: WINDOW_S, grabLockMs: 60_000 }, (event, fields) =>
    events.push({ event, sessionId: fields?.sessionId }),
  );
  dataspaceId = await createDataspace(h.sql, 'a1');
  await grantElevation(h.sql, 'b1', 'a1', dataspaceId, 'write');
});
afterAll(() => h.stop());

async function join(persona: 'a1' | 'b1'): Promise<{ client: Client; room: SdkRoom<unknown, SpatialState> }> {
  const client = await clientAs(h, persona);
  const room = await client.joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return { client, room };
}

/** Cuts the socket without a leave message, as a lost network would (1006 would auto-reconnect). */
function dropConnection(room: SdkRoom): void {
  room.reconnection.enabled = false;
  room.connection.close(3000, 'network lost');
}

async function grabNewObject(alice: SdkRoom<unknown, SpatialState>): Promise<string> {
  const before = new Set(alice.state.objects.keys());
  alice.send('placeObject', { kind: 'note', p: [0, 1, 0], q: [0, 0, 0, 1], s: [1, 1, 1] });
  await untilState(alice, (s) => s.objects.size > before.size);
  const objectId = [...alice.state.objects.keys()].find((k) => !before.has(k))!;
  const granted = nextMessage<{ granted: boolean }>(alice, 'grab');
  alice.send('grab', { objectId });
  expect((await granted).granted).toBe(true);
  return objectId;
}

describe('SpatialRoom reconnection', () => {
  it('gives a client back its avatar and locks when it returns within the window', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    const objectId = await grabNewObject(alice.room);
    const sessionId = alice.room.sessionId;
    const token = alice.room.reconnectionToken;
    dropConnection(alice.room);
    await untilState(bob.room, (s) => s.avatars.get(sessionId)?.connected === false);
    expect(bob.room.state.objects.get(objectId)!.lockedBy).toBe(sessionId);

    const back = await alice.client.reconnect<SpatialState>(token);
    expect(back.sessionId).toBe(sessionId);
    await untilState(bob.room, (s) => s.avatars.get(sessionId)?.connected === true);
    expect(bob.room.state.avatars.size).toBe(2);
    expect(bob.room.state.objects.get(objectId)!.lockedBy).toBe(sessionId);
    // the lock is usable again: a move goes through
    back.send('move', { objectId, p: [1, 1, 1], q: [0, 0, 0, 1] });
    await untilState(bob.room, (s) => s.objects.get(objectId)?.px === 1);
    await Promise.all([back.leave(), bob.room.leave()]);
  });

  it('lets a seat back into a room its host locked while it was away (the lock is for newcomers)', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    const token = bob.room.reconnectionToken;
    const sessionId = bob.room.sessionId;
    dropConnection(bob.room);
    await untilState(alice.room, (s) => s.avatars.get(sessionId)?.connected === false);
    alice.room.send('lockRoom', { locked: true });
    await untilState(alice.room, (s) => s.locked);
    const back = await bob.client.reconnect<SpatialState>(token);
    expect(back.sessionId).toBe(sessionId);
    await untilState(alice.room, (s) => s.avatars.get(sessionId)?.connected === true);
    alice.room.send('lockRoom', { locked: false });
    await untilState(alice.room, (s) => !s.locked);
    await Promise.all([back.leave(), alice.room.leave()]);
  });

  it('removes the avatar and frees its locks once, and refuses the token, after the window', async () => {
    const alice = await join('a1');
    const bob = await join('b1');
    const objectId = await grabNewObject(alice.room);
    const sessionId = alice.room.sessionId;
    const token = alice.room.reconnectionToken;
    dropConnection(alice.room);
    await untilState(bob.room, (s) => !s.avatars.has(sessionId));
    expect(bob.room.state.objects.get(objectId)!.lockedBy).toBe('');
    await expect(alice.client.reconnect(token)).rejects.toThrow();
    expect(events.filter((e) => e.event === 'room.leave' && e.sessionId === sessionId)).toHaveLength(1);
    expect(events.filter((e) => e.event === 'room.drop' && e.sessionId === sessionId)).toHaveLength(1);
    expect(bob.room.state.avatars.size).toBe(1);
    await bob.room.leave();
  });
});
