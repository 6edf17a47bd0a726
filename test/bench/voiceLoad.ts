/**
 * Load generator process of `npm run bench:voice` (forked with an IPC channel): N werift peers, each
 * publishing 20 ms Opus-sized RTP with the RFC 6464 audio level at 50 packets/s on one shared clock
 * that catches up after a stall (the first S loud,
 * the others silence frames, as a muted-by-nobody room of mostly listeners sends) and counting what
 * it receives. Signalling goes through the parent, which plays the realtime process.
 */
import { createWeriftVoicePeer, type PeerOffer, type WeriftVoicePeer } from '../voice/weriftVoicePeer.ts';

/** From the parent. */
export type ToLoad =
  | { type: 'start'; n: number; speakers: number }
  | { type: 'offer'; peer: string; offer: PeerOffer }
  /** The SFU dropped this peer's session (its connection failed there), or its join was refused. */
  | { type: 'dropped'; peer: string; why: string }
  | { type: 'send' }
  | { type: 'measure' }
  | { type: 'report' }
  | { type: 'stop' };

/** To the parent. */
export type FromLoad =
  | { type: 'join'; peer: string }
  | { type: 'answer'; peer: string; revision: number; sdp: string }
  | { type: 'ready'; failures: number; waves: number; joinedS: number; reasons: Record<string, number> }
  | { type: 'failed'; reason: string }
  | { type: 'report'; received: number; sent: number; cpuMs: number; wallMs: number; minPerListener: number };

const LOUD = 20;
/** One Opus packet per 20 ms. */
const PACKET_MS = 20;
let sender: NodeJS.Timeout | undefined;
let failures = 0;
const SILENT = 127;
const peers = new Map<string, WeriftVoicePeer>();
let speakers = 0;
let cpu0 = process.cpuUsage();
let wall0 = performance.now();
let base = new Map<string, { received: number; sent: number }>();

const send = (message: FromLoad) => process.send!(message);
const until = (ok: () => boolean) =>
  new Promise<void>((resolve) => {
    const check = () => (ok() ? resolve() : setTimeout(check, 10));
    check();
  });

/** Peers whose answers (so ICE and DTLS handshakes) are let through at once. */
const WAVE = 8;
/** A handshake not done by then is given up: the peer joins again (counted). */
const HANDSHAKE_TIMEOUT_MS = 30_000;
/** Joins per peer before the step fails (bounded setup). */
const MAX_JOINS = 4;
const joins = new Map<string, number>();

/** Drops a peer's session and joins again (a failed or timed-out handshake, or the SFU dropped it). */
function rejoin(id: string, why: string): void {
  const peer = peers.get(id);
  if (!peer) return;
  const count = (joins.get(id) ?? 1) + 1;
  if (count > MAX_JOINS) {
    send({ type: 'failed', reason: `${id}: ${MAX_JOINS} joins failed (last: ${why})` });
    return;
  }
  joins.set(id, count);
  failures += 1;
  retryReasons.set(why, (retryReasons.get(why) ?? 0) + 1);
  void peer.reset().then(() => send({ type: 'join', peer: id }));
}
const retryReasons = new Map<string, number>();

/** Resolves true when the peer is connected on its latest offer, false after `ms`. */
function readyWithin(peer: WeriftVoicePeer, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    peer.ready().then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}

/**
 * Everyone joins first (each gets its first offer; the offers the SFU makes for later joiners
 * coalesce into one pending renegotiation per peer), then the answers — so the ICE and DTLS
 * handshakes, the costly part — go in waves of WAVE peers, each wave waiting until its peers are
 * connected (HANDSHAKE_TIMEOUT_MS at most; a peer that failed or timed out joins again, counted).
 */
async function start(n: number, s: number): Promise<void> {
  speakers = s;
  const t0 = performance.now();
  let phase = 'joining';
  // a setup that stalls says where, every 10 s
  const progress = setInterval(() => {
    const list = [...peers.values()];
    const states = new Map<string, number>();
    for (const p of list) {
      const state = p.pc()?.connectionState ?? 'none';
      states.set(state, (states.get(state) ?? 0) + 1);
    }
    console.error(
      `bench:voice N=${n} setup ${((performance.now() - t0) / 1000).toFixed(0)} s: ${phase}; ` +
        `${list.filter((p) => p.offers > 0).length} offered, ${list.filter((p) => p.isReady()).length} ready, ` +
        `connections ${[...states].map(([k, v]) => `${v} ${k}`).join(', ')}; ${failures} joined again`,
    );
  }, 10_000);
  const gates = new Map<string, () => void>();
  for (let i = 0; i < n; i += 1) {
    const id = `p${i}`;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    gates.set(id, open);
    const peer = createWeriftVoicePeer(
      (revision, sdp) => send({ type: 'answer', peer: id, revision, sdp }),
      {},
      gate,
    );
    peer.onFailed = () => rejoin(id, 'connection failed');
    peers.set(id, peer);
    joins.set(id, 1);
    send({ type: 'join', peer: id });
  }
  await Promise.all([...peers.values()].map((p) => until(() => p.offers > 0)));
  const joinedMs = performance.now() - t0;
  phase = 'handshakes';
  const ids = [...peers.keys()];
  let waves = 0;
  for (let i = 0; i < ids.length; i += WAVE) {
    waves += 1;
    const wave = ids.slice(i, i + WAVE);
    for (const id of wave) gates.get(id)!();
    const done = await Promise.all(wave.map((id) => readyWithin(peers.get(id)!, HANDSHAKE_TIMEOUT_MS)));
    wave.forEach((id, k) => {
      if (!done[k]) rejoin(id, 'handshake timed out');
    });
  }
  // the rejoined, and everyone's last renegotiation: until all are connected on their latest offer
  phase = 'last renegotiations';
  for (;;) {
    const late = ids.filter((id) => !peers.get(id)!.isReady());
    if (late.length === 0) break;
    const done = await Promise.all(late.map((id) => readyWithin(peers.get(id)!, HANDSHAKE_TIMEOUT_MS)));
    late.forEach((id, k) => {
      if (!done[k]) rejoin(id, 'handshake timed out');
    });
  }
  clearInterval(progress);
  send({
    type: 'ready',
    failures,
    waves,
    joinedS: joinedMs / 1000,
    reasons: Object.fromEntries(retryReasons),
  });
}

process.on('message', (message: ToLoad) => {
  switch (message.type) {
    case 'start':
      void start(message.n, message.speakers);
      return;
    case 'offer':
      peers.get(message.peer)?.offer(message.offer);
      return;
    case 'dropped':
      // unless it is already joining again (its own side failed too)
      if (peers.get(message.peer)?.pc()) rejoin(message.peer, message.why);
      return;
    case 'send': {
      // one clock for every peer, catching up after a stall: each sends 50 packets a second on
      // average whatever this process's scheduling, as a browser's audio thread does
      const started = performance.now();
      const list = [...peers.values()].map((peer, i) => ({
        peer,
        level: i < speakers ? LOUD : SILENT,
        sent: 0,
      }));
      sender = setInterval(() => {
        const due = Math.floor((performance.now() - started) / PACKET_MS);
        for (const p of list) {
          for (; p.sent < due; p.sent += 1) void p.peer.sendOne(p.level);
        }
      }, PACKET_MS / 2);
      return;
    }
    case 'measure':
      cpu0 = process.cpuUsage();
      wall0 = performance.now();
      base = new Map([...peers].map(([id, p]) => [id, { received: p.receivedTotal, sent: p.sent }]));
      return;
    case 'report': {
      const cpu = process.cpuUsage(cpu0);
      let received = 0;
      let sent = 0;
      let minPerListener = Infinity;
      for (const [id, p] of peers) {
        const r = p.receivedTotal - base.get(id)!.received;
        received += r;
        sent += p.sent - base.get(id)!.sent;
        minPerListener = Math.min(minPerListener, r);
      }
      send({
        type: 'report',
        received,
        sent,
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - wall0,
        minPerListener,
      });
      return;
    }
    case 'stop':
      clearInterval(sender);
      void Promise.all([...peers.values()].map((p) => p.close())).finally(() => process.exit(0));
      return;
  }
});
