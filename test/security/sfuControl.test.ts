/**
 * Door: an SFU process's control port (server/voice/serveSfu.ts). Only realtime processes holding
 * the shared secret may drive it; one realtime process cannot act on a room another opened; bad
 * requests get an error, never a crash; media and control stay on loopback here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SfuClient } from '../../server/voice/SfuClient.ts';
import { answerMismatch, MAX_CANDIDATES } from '../../server/voice/sfuPeerConnection.ts';
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

  it("refuses what is no ICE candidate, takes a browser's, and bounds a session's candidates", async () => {
    const a = client();
    await a.connect();
    await a.call({ op: 'join', room: 'r-ice', peer: 'p1', publish: true, muted: false, position: [0, 0, 0] });
    const candidate = (text: string) =>
      a.call({ op: 'candidate', room: 'r-ice', peer: 'p1', candidate: text, sdpMid: '0', sdpMLineIndex: 0 });
    // not candidates, a name the SFU would have to resolve, an impossible port, a transport it lacks
    for (const bad of [
      'candidate:not an ice candidate',
      'candidate:1 1 udp 2122260223 intranet.example.com 9 typ host',
      'candidate:1 1 udp 2122260223 127.0.0.1 99999 typ host',
      'candidate:1 1 sctp 2122260223 127.0.0.1 5000 typ host',
    ]) {
      await expect(candidate(bad), bad).rejects.toThrow(/invalid ICE candidate/);
    }
    // what Chromium trickles: reflexive with its related address, an mDNS host, IPv6, ICE-TCP
    for (const good of [
      'candidate:842163049 1 udp 1677729535 127.0.0.1 56143 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag Xk2a network-cost 999',
      'candidate:2315672418 1 udp 2113937151 6f2a3b52-93c6-4a3c-9c35-1c4e0f3b5a11.local 50314 typ host generation 0 ufrag Xk2a network-cost 999',
      'candidate:1 1 udp 2122262783 ::1 50315 typ host generation 0',
      'candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0',
    ]) {
      await expect(candidate(good), good).resolves.toMatchObject({ ok: true });
    }
    // each candidate the SFU checks is a target it sends to: a session names a bounded few (the
    // 8 above counted)
    const settled = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        candidate(`candidate:${i} 1 udp 2122260223 127.0.0.1 ${20_000 + i} typ host`),
      ),
    );
    const refused = settled.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(24);
    expect(refused).toEqual(Array(16).fill(expect.stringMatching(/too many ICE candidates/)));
    await a.call({ op: 'closeRoom', room: 'r-ice' });
  });

  it('refuses an answer carrying more candidates than a session may name, or a bad one', async () => {
    const a = client();
    await a.connect();
    const { offer } = await a.call({
      op: 'join',
      room: 'r-answer',
      peer: 'p1',
      publish: true,
      muted: false,
      position: [0, 0, 0],
    });
    // the offer's own m-lines, ICE and DTLS lines pass for an answer's; its candidates are the test
    const withCandidates = (lines: string[]) =>
      `${offer!.sdp.replace(/a=candidate:[^\r\n]*\r\n/g, '').trimEnd()}\r\n${lines.join('\r\n')}\r\n`;
    const answer = (sdp: string) =>
      a.call({ op: 'answer', room: 'r-answer', peer: 'p1', revision: offer!.revision, sdp });
    const many = Array.from(
      { length: 33 },
      (_, i) => `a=candidate:${i} 1 udp 1 127.0.0.1 ${22_000 + i} typ host`,
    );
    await expect(answer(withCandidates(many))).rejects.toThrow(/too many ICE candidates/);
    // the same few repeated line after line are still a few targets, but the lines are bounded too
    const repeated = (k: number) => Array.from({ length: k }, (_, i) => many[i % 2]!);
    expect(answerMismatch(offer!.sdp, withCandidates(repeated(32)))).toBeUndefined();
    await expect(answer(withCandidates(repeated(33)))).rejects.toThrow(/too many ICE candidates/);
    await expect(
      answer(withCandidates(['a=candidate:1 1 udp 1 intranet.example.com 9 typ host'])),
    ).rejects.toThrow(/invalid ICE candidate/);
    await a.call({ op: 'closeRoom', room: 'r-answer' });
  });

  it('bounds an answer by the transport addresses it names, not by how often a BUNDLE repeats them', () => {
    // one m-line per speaker: a 40-person room's answer repeats its candidates 40 times
    const mlines = 40;
    const sdp = (candidates: (m: number) => string[]) =>
      [
        'v=0',
        'a=ice-ufrag:abcd',
        'a=ice-pwd:abcdefghijklmnopqrstuvwx',
        'a=fingerprint:sha-256 AA:BB',
        ...Array.from({ length: mlines }, (_, m) => [
          'm=audio 9 UDP/TLS/RTP/SAVPF 111',
          `a=mid:${m}`,
          ...candidates(m).map((c) => `a=candidate:${c}`),
        ]).flat(),
        '',
      ].join('\r\n');
    const offer = sdp(() => []);
    const host = (i: number) => `${i} 1 udp 2122260223 127.0.0.1 ${30_000 + i} typ host`;
    expect(
      answerMismatch(
        offer,
        sdp(() => [host(1), host(2)]),
      ),
    ).toBeUndefined();
    // distinct targets past the bound, spread over the m-lines
    expect(
      answerMismatch(
        offer,
        sdp((m) => (m === 0 ? Array.from({ length: 33 }, (_, i) => host(i)) : [])),
      ),
    ).toBe('too many ICE candidates');
    // the same target over and over: past MAX_CANDIDATES lines per m-line, refused before parsing on
    expect(
      answerMismatch(
        offer,
        sdp((m) => (m === 0 ? Array(MAX_CANDIDATES * mlines + 1).fill(host(1)) : [])),
      ),
    ).toBe('too many ICE candidates');
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
