/**
 * Door: an SFU process's control port (server/voice/serveSfu.ts). Only realtime processes holding
 * the shared secret may drive it; one realtime process cannot act on a room another opened; bad
 * requests get an error, never a crash; media and control stay on loopback here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SfuClient } from '../../server/voice/SfuClient.ts';
import { spawnSfu, type SfuProcess } from '../../server/voice/spawnSfu.ts';
import { SFU_SECRET } from '../voice/voiceHarness.ts';

let sfu: SfuProcess;
const clients: SfuClient[] = [];
beforeAll(async () => {
  sfu = await spawnSfu({ secret: SFU_SECRET });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sfu.stop();
});

function client(secret = SFU_SECRET): SfuClient {
  const c = new SfuClient(sfu.url, secret, () => {});
  clients.push(c);
  return c;
}

/** The HTTP status of a WebSocket upgrade with these headers (101 when accepted). */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(sfu.url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => undefined);
  });
}

describe('SFU control door', () => {
  it('listens on loopback and refuses an upgrade without the secret, with a wrong one, or a near miss', async () => {
    expect(new URL(sfu.url).hostname).toBe('127.0.0.1');
    expect(await upgradeStatus({})).toBe(401);
    expect(await upgradeStatus({ authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgradeStatus({ authorization: `Bearer ${SFU_SECRET.slice(0, -1)}x` })).toBe(401);
    expect(await upgradeStatus({ authorization: SFU_SECRET })).toBe(401);
    await expect(client('x'.repeat(40)).connect()).rejects.toThrow();
    expect(await upgradeStatus({ authorization: `Bearer ${SFU_SECRET}` })).toBe(101);
  });

  it('answers malformed requests with an error and stays up', async () => {
    const raw = new WebSocket(sfu.url, { headers: { authorization: `Bearer ${SFU_SECRET}` } });
    await new Promise((resolve) => raw.once('open', resolve));
    const replies: unknown[] = [];
    raw.on('message', (d) => replies.push(JSON.parse(String(d))));
    for (const bad of ['not json', '{}', '{"op":"join","id":1}', '{"op":"rm -rf","id":2}', '[1,2,3]'])
      raw.send(bad);
    await new Promise<void>((resolve) => {
      const tick = () => (replies.length >= 5 ? resolve() : setTimeout(tick, 10));
      tick();
    });
    expect(replies).toEqual(Array(5).fill({ id: -1, ok: false, error: 'voice: malformed control request' }));
    raw.close();
    const c = client();
    await c.connect();
    expect((await c.call({ op: 'stats', reset: false })).stats!.rooms).toBe(0);
  });

  it('offers media candidates on loopback only', async () => {
    const a = client();
    await a.connect();
    const { offer } = await a.call({
      op: 'join',
      room: 'r-loop',
      peer: 'p1',
      publish: true,
      muted: false,
      position: [0, 0, 0],
    });
    const candidates = offer!.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(candidates.length).toBeGreaterThan(0);
    for (const line of candidates) expect(line.split(' ')[4]).toBe('127.0.0.1');
    await a.call({ op: 'closeRoom', room: 'r-loop' });
  });

  it('keeps one realtime process off the rooms another opened', async () => {
    const [a, b] = [client(), client()];
    await Promise.all([a.connect(), b.connect()]);
    await a.call({
      op: 'join',
      room: 'r-owned',
      peer: 'p1',
      publish: true,
      muted: true,
      position: [0, 0, 0],
    });
    const refusedCalls = [
      b.call({ op: 'policy', room: 'r-owned', peer: 'p1', publish: true, muted: false }),
      b.call({ op: 'answer', room: 'r-owned', peer: 'p1', revision: 1, sdp: 'v=0' }),
      b.call({
        op: 'candidate',
        room: 'r-owned',
        peer: 'p1',
        candidate: '',
        sdpMid: null,
        sdpMLineIndex: null,
      }),
      b.call({ op: 'positions', room: 'r-owned', positions: [['p1', 50, 0, 0]] }),
      b.call({ op: 'floor', room: 'r-owned', peers: ['p1'] }),
    ];
    // settled together: a refusal that arrives while an earlier one is being checked is never unhandled
    const settled = await Promise.allSettled(refusedCalls);
    for (const result of settled) {
      expect(result.status).toBe('rejected');
      expect(String((result as PromiseRejectedResult).reason)).toMatch(/no voice session in this room/);
    }
    // leave and closeRoom from the other process are no-ops
    await b.call({ op: 'leave', room: 'r-owned', peer: 'p1' });
    await b.call({ op: 'closeRoom', room: 'r-owned' });
    expect((await a.call({ op: 'stats', reset: false, room: 'r-owned' })).stats!.peers).toBe(1);
    await a.call({ op: 'closeRoom', room: 'r-owned' });
    expect((await a.call({ op: 'stats', reset: false, room: 'r-owned' })).stats!.peers).toBe(0);
  });

  it('ends the sessions of a realtime process whose connection dropped', async () => {
    const a = client();
    await a.connect();
    await a.call({
      op: 'join',
      room: 'r-dropped',
      peer: 'p1',
      publish: true,
      muted: false,
      position: [0, 0, 0],
    });
    const watcher = client();
    await watcher.connect();
    expect((await watcher.call({ op: 'stats', reset: false, room: 'r-dropped' })).stats!.peers).toBe(1);
    a.close();
    await new Promise<void>((resolve) => {
      const tick = async () => {
        const { stats } = await watcher.call({ op: 'stats', reset: false, room: 'r-dropped' });
        if (stats!.peers === 0) resolve();
        else setTimeout(() => void tick(), 20);
      };
      void tick();
    });
  });
});
