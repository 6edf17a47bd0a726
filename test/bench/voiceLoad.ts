/**
 * Load generator process of `npm run bench:voice` (forked with an IPC channel): N werift peers, each
 * publishing 20 ms Opus-sized RTP with the RFC 6464 audio level at 50 packets/s (the first S loud,
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
  | { type: 'ready' }
  | { type: 'report'; received: number; sent: number; cpuMs: number; wallMs: number; minPerListener: number };

const LOUD = 20;
const SILENT = 127;
const peers = new Map<string, WeriftVoicePeer>();
let speakers = 0;
let cpu0 = process.cpuUsage();
let wall0 = performance.now();
let base = new Map<string, { received: number; sent: number }>();

const send = (message: FromLoad) => process.send!(message);

async function start(n: number, s: number): Promise<void> {
  speakers = s;
  for (let i = 0; i < n; i += 1) {
    const id = `p${i}`;
    peers.set(
      id,
      createWeriftVoicePeer((revision, sdp) => send({ type: 'answer', peer: id, revision, sdp })),
    );
    send({ type: 'join', peer: id });
  }
  // every join makes the SFU offer again to everyone: wait until all settled on their latest offer
  await Promise.all([...peers.values()].map((p) => p.ready()));
  send({ type: 'ready' });
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
      let i = 0;
      for (const peer of peers.values()) peer.send(i++ < speakers ? LOUD : SILENT);
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
      for (const p of peers.values()) p.stopSending();
      void Promise.all([...peers.values()].map((p) => p.close())).finally(() => process.exit(0));
      return;
  }
});
