import type { ChildProcess } from 'node:child_process';
import { Client, type Room as SdkRoom } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { connect } from '../../server/db/connect.ts';
import { freePort } from '../../server/db/embeddedPostgres.ts';
import {
  CAST,
  createDataspace,
  grantElevation,
  mintToken,
  untilState,
  createCast,
} from './realtimeHarness.ts';
import { spawnRealtime, type RealtimeProcess } from './spawnRealtime.ts';
import { startRedis, stopRedis } from '../helpers/redisServer.ts';

const sql = connect(inject('databaseUrl'), { max: 2 });
let redis: ChildProcess | undefined;
let a: RealtimeProcess | undefined;
let b: RealtimeProcess | undefined;
let dataspaceId: string;

beforeAll(async () => {
  const redisPort = await freePort();
  redis = await startRedis(redisPort);
  const [portA, portB] = [await freePort(), await freePort()];
  const common = { DATABASE_URL: inject('databaseUrl'), REDIS_URL: `redis://127.0.0.1:${redisPort}` };
  [a, b] = await Promise.all([
    spawnRealtime({
      ...common,
      CHENU_REALTIME_PORT: String(portA),
      CHENU_REALTIME_PUBLIC_ADDRESS: `127.0.0.1:${portA}`,
      CHENU_ADMIN_IDENTITY_IDS: CAST.a1,
    }),
    spawnRealtime({
      ...common,
      CHENU_REALTIME_PORT: String(portB),
      CHENU_REALTIME_PUBLIC_ADDRESS: `127.0.0.1:${portB}`,
    }),
  ]);
  await createCast(sql);
  dataspaceId = await createDataspace(sql, 'a1', 'Salle répartie');
  await grantElevation(sql, 'b1', 'a1', dataspaceId, 'write');
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await stopRedis(redis);
  await sql.end({ timeout: 5 });
});

async function joinThrough(
  processPort: number,
  persona: 'a1' | 'b1',
): Promise<SdkRoom<unknown, SpatialState>> {
  const client = new Client(`ws://127.0.0.1:${processPort}`);
  client.auth.token = await mintToken(persona);
  const room = await client.joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

describe('realtime scale-out (two processes, Redis presence + driver)', () => {
  it('matches a client through one process into the room living on the other, with the same state', async () => {
    const first = await joinThrough(b!.port, 'a1');
    first.send('chat', { text: 'première' });
    await untilState(first, (s) => s.chat.length === 1);
    // Redis' driver picks the least loaded process to create a room: find where it lives
    const health = async (p: RealtimeProcess) =>
      (await (await fetch(`http://127.0.0.1:${p.port}/health`)).json()) as Record<string, unknown>;
    const [ha, hb] = [await health(a!), await health(b!)];
    expect([ha.rooms, hb.rooms, ha.presence]).toEqual([1, 1, 'redis']);
    const [host, matcher] = ha.localRooms === 1 ? [a!, b!] : [b!, a!];
    expect((await health(matcher)).localRooms).toBe(0);

    const second = await joinThrough(matcher.port, 'b1');
    expect(second.roomId).toBe(first.roomId);
    // matched over HTTP by one process, the WebSocket went to the room's own process
    expect(second.connection.url ?? '').toContain(`127.0.0.1:${host.port}/`);
    await untilState(second, (s) => s.avatars.size === 2 && s.chat.length === 1);
    expect(second.state.chat[0]!.text).toBe('première');
    expect(second.state.avatars.get(first.sessionId)!.identityId).toBe(CAST.a1);
    second.send('chat', { text: 'seconde' });
    await untilState(first, (s) => s.chat.length === 2);
    await Promise.all([first.leave(), second.leave()]);
  });

  it('serves the monitor to admin identities only', async () => {
    const url = `http://127.0.0.1:${a!.port}/monitor/api`;
    expect((await fetch(url)).status).toBe(403);
    const other = await fetch(url, { headers: { authorization: `Bearer ${await mintToken('b1')}` } });
    expect(other.status).toBe(403);
    const admin = await fetch(url, { headers: { authorization: `Bearer ${await mintToken('a1')}` } });
    expect(admin.status).toBe(200);
  });
});
