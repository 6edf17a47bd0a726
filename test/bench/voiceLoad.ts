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
  | { type: 'send' }
  | { type: 'measure' }
  | { type: 'report' }
  | { type: 'stop' };

/** To the parent. */
export type FromLoad =
  | { type: 'join'; peer: string }
  | { type: 'answer'; peer: string; revision: number; sdp: string }
  | { type: 'ready'; failures: number }
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

async function start(n: number, s: number): Promise<void> {
  speakers = s;
  // everyone joins, then everyone answers: the SFU's offers made meanwhile coalesce into one each
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  for (let i = 0; i < n; i += 1) {
    const id = `p${i}`;
    const peer = createWeriftVoicePeer(
      (revision, sdp) => send({ type: 'answer', peer: id, revision, sdp }),
      {},
      gate,
    );
    // a handshake that times out on a busy machine: the SFU dropped the session, join again
    peer.onFailed = () => {
      failures += 1;
      void peer.reset().then(() => send({ type: 'join', peer: id }));
    };
    peers.set(id, peer);
    send({ type: 'join', peer: id });
  }
  await Promise.all([...peers.values()].map((p) => until(() => p.offers > 0)));
  open();
  // every join makes the SFU offer again to everyone: wait until all settled on their latest offer
  await Promise.all([...peers.values()].map((p) => p.ready()));
  send({ type: 'ready', failures });
}

process.on('message', (message: ToLoad) => {
  switch (message.type) {
    case 'start':
      void start(message.n, message.speakers);
      return;
    case 'offer':
      peers.get(message.peer)?.offer(message.offer);
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
