import { Client, type Room as SdkRoom } from '@colyseus/sdk';
import '@colyseus/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { connect } from '../../server/db/connect.ts';
import { createDataspace, mintToken, nextMessage, untilState, createCast } from './realtimeHarness.ts';
import { spawnRealtime, type RealtimeProcess } from './spawnRealtime.ts';

const sql = connect(inject('databaseUrl'), { max: 2 });
let first: RealtimeProcess | undefined;
let second: RealtimeProcess | undefined;
let dataspaceId: string;

beforeAll(async () => {
  await createCast(sql);
  dataspaceId = await createDataspace(sql, 'a1', 'Salle persistante');
});
afterAll(async () => {
  await first?.stop('SIGKILL');
  await second?.stop();
  await sql.end({ timeout: 5 });
});

async function joinAsAlice(port: number): Promise<SdkRoom<unknown, SpatialState>> {
  const client = new Client(`ws://127.0.0.1:${port}`);
  client.auth.token = await mintToken('a1');
  const room = await client.joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

describe('SpatialRoom persistence', () => {
  it('restores every acknowledged anchor and object after the server process is killed', async () => {
    const env = { DATABASE_URL: inject('databaseUrl') };
    first = await spawnRealtime(env);
    const room = await joinAsAlice(first.port);
    room.send('placeAnchor', { label: 'Mur nord', p: [0, 1.5, -3], q: [0, 0, 0, 1], xrAnchorId: 'xr-42' });
    room.send('placeObject', { kind: 'memory_card', p: [0, 1, 0], q: [0, 0, 0, 1], s: [0.3, 0.3, 0.3] });
    await untilState(room, (s) => s.objects.size === 1 && s.anchors.size === 1);
    const objectId = [...room.state.objects.keys()][0]!;
    const granted = nextMessage<{ granted: boolean }>(room, 'grab');
    room.send('grab', { objectId });
    expect((await granted).granted).toBe(true);
    const saved = new Promise<void>((resolve) => {
      room.onMessage('saved', (m: { objects: { id: string; version: number }[] }) => {
        if (m.objects.some((o) => o.id === objectId && o.version >= 1)) resolve();
      });
    });
    room.send('move', { objectId, p: [2, 1.25, -1], q: [0, 0.7071068, 0, 0.7071068] });
    await saved;
    // a crash, not a clean shutdown: only what was acknowledged may be relied on
    await first.stop('SIGKILL');
    first = undefined;

    second = await spawnRealtime(env);
    const again = await joinAsAlice(second.port);
    const object = again.state.objects.get(objectId)!;
    expect([object.px, object.py, object.pz]).toEqual([2, 1.25, -1]);
    expect(object.qy).toBeCloseTo(0.7071, 4);
    expect(object.version).toBe(1);
    expect(object.lockedBy).toBe('');
    const anchor = [...again.state.anchors.values()][0]!;
    expect([anchor.label, anchor.xrAnchorId, anchor.pz]).toEqual(['Mur nord', 'xr-42', -3]);
    await again.leave();
  }, 60_000);
});
