import type { ChildProcess } from 'node:child_process';
import { Client, type Room as SdkRoom } from '@colyseus/sdk';
import { RedisPresence } from '@colyseus/redis-presence';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SpatialState } from '../../shared/schema/SpatialState.ts';
import { connect } from '../../server/db/connect.ts';
import { freePort } from '../../server/db/embeddedPostgres.ts';
import { SfuClient } from '../../server/voice/SfuClient.ts';
import { spawnSfu, type SfuProcess } from '../../server/voice/spawnSfu.ts';
import { SFU_OF_ROOM_KEY } from '../../server/voice/VoiceService.ts';
import { startRedis, stopRedis } from '../helpers/redisServer.ts';
import { createCast, createDataspace, mintToken, untilState } from '../realtime/realtimeHarness.ts';
import { spawnRealtime, type RealtimeProcess } from '../realtime/spawnRealtime.ts';
import { joinVoice, type NodeVoicePeer } from './nodeVoicePeer.ts';
import { SFU_SECRET, untilAsync } from './voiceHarness.ts';

const sql = connect(inject('databaseUrl'), { max: 2 });
let redis: ChildProcess | undefined;
let redisUrl = '';
let realtimes: RealtimeProcess[] = [];
let sfus: SfuProcess[] = [];
const watchers: SfuClient[] = [];

beforeAll(async () => {
  const redisPort = await freePort();
  redis = await startRedis(redisPort);
  redisUrl = `redis://127.0.0.1:${redisPort}`;
  sfus = await Promise.all([spawnSfu({ secret: SFU_SECRET }), spawnSfu({ secret: SFU_SECRET })]);
  const ports = [await freePort(), await freePort()];
  realtimes = await Promise.all(
    ports.map((port) =>
      spawnRealtime({
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: redisUrl,
        CHENU_REALTIME_PORT: String(port),
        CHENU_REALTIME_PUBLIC_ADDRESS: `127.0.0.1:${port}`,
        CHENU_SFU_URLS: sfus.map((s) => s.url).join(','),
        CHENU_SFU_SECRET: SFU_SECRET,
      }),
    ),
  );
  await createCast(sql);
  for (const s of sfus) {
    const w = new SfuClient(s.url, SFU_SECRET, () => {});
    await w.connect();
    watchers.push(w);
  }
}, 90_000);

afterAll(async () => {
  for (const w of watchers) w.close();
  await Promise.all(realtimes.map((r) => r.stop()));
  await Promise.all(sfus.map((s) => s.stop()));
  await stopRedis(redis);
  await sql.end({ timeout: 5 });
});

async function joinThrough(port: number, dataspaceId: string): Promise<SdkRoom<unknown, SpatialState>> {
  const client = new Client(`ws://127.0.0.1:${port}`);
  client.auth.token = await mintToken('a1');
  const room = await client.joinOrCreate<SpatialState>('spatial', { dataspaceId });
  await untilState(room, (s) => s.avatars?.has(room.sessionId) === true);
  return room;
}

describe('voice across realtime processes (Redis presence) and SFU processes', () => {
  it("puts each room's voice on one SFU, recorded in Redis presence, spreading rooms over the SFUs", async () => {
    const rooms: SdkRoom<unknown, SpatialState>[] = [];
    const peers: NodeVoicePeer[] = [];
    for (let i = 0; i < 4; i += 1) {
      const ds = await createDataspace(sql, 'a1', `Salle vocale ${i}`);
      const room = await joinThrough(realtimes[i % 2]!.port, ds);
      const peer = joinVoice(room);
      await peer.ready();
      rooms.push(room);
      peers.push(peer);
    }
    const presence = new RedisPresence(redisUrl);
    try {
      const recorded = await presence.hgetall(SFU_OF_ROOM_KEY);
      expect(Object.keys(recorded).sort()).toEqual(rooms.map((r) => r.roomId).sort());
      const perSfu = sfus.map((s) => Object.values(recorded).filter((url) => url === s.url).length);
      expect(perSfu).toEqual([2, 2]);
      // each room's session lives on its recorded SFU and nowhere else
      for (const room of rooms) {
        const counts = await Promise.all(
          watchers.map(
            async (w) => (await w.call({ op: 'stats', reset: false, room: room.roomId })).stats!.peers,
          ),
        );
        expect(counts).toEqual(sfus.map((s) => (s.url === recorded[room.roomId] ? 1 : 0)));
      }
      await Promise.all(peers.map((p) => p.close()));
      await Promise.all(rooms.map((r) => r.leave()));
      // a disposed room gives its SFU back
      await untilAsync(
        async () => Object.keys(await presence.hgetall(SFU_OF_ROOM_KEY)).length === 0,
        'the rooms to give their SFU back',
      );
    } finally {
      presence.shutdown();
    }
  });
});
