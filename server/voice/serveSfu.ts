import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { Sfu, SfuError, type SfuOptions, type SfuOwner } from './Sfu.ts';
import { sfuRequest, type SfuReply, type SfuRequest, type SfuStats } from './sfuProtocol.ts';

/** Largest control message (an SDP answer of a full room, with room to spare). */
const MAX_CONTROL_BYTES = 256 * 1024;

/** A running SFU: its control port and how to stop it. */
export interface RunningSfu {
  readonly sfu: Sfu;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves one SFU's control protocol (sfuProtocol.ts) on `host:port` to realtime processes holding
 * the shared secret (`Authorization: Bearer <secret>` on the WebSocket upgrade; anything else is
 * refused with 401 before a socket exists). Each connection owns the rooms it opens; when it
 * closes, their sessions end.
 */
export async function serveSfu(
  options: SfuOptions & { host: string; port: number; secret: string },
): Promise<RunningSfu> {
  const sfu = new Sfu(options);
  const expected = Buffer.from(`Bearer ${options.secret}`);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let cpu0 = process.cpuUsage();
  let wall0 = performance.now();
  const stats = (reset: boolean, roomId?: string, peerId?: string): SfuStats => {
    const cpu = process.cpuUsage(cpu0);
    const result: SfuStats = {
      rooms: sfu.roomCount,
      peers: sfu.peerCount(roomId),
      packetsIn: sfu.packetsIn,
      packetsForwarded: sfu.packetsForwarded,
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: performance.now() - wall0,
      delayP50Ms: sfu.delays.percentile(50),
      delayP99Ms: sfu.delays.percentile(99),
      loopP99Ms: loop.percentile(99) / 1e6,
      ...(roomId && peerId ? { lastForwardedAtMs: sfu.lastForwardedAt(roomId, peerId) } : {}),
    };
    if (reset) {
      sfu.packetsIn = 0;
      sfu.packetsForwarded = 0;
      sfu.delays.reset();
      loop.reset();
      cpu0 = process.cpuUsage();
      wall0 = performance.now();
    }
    return result;
  };

  const wss = new WebSocketServer({
    host: options.host,
    port: options.port,
    maxPayload: MAX_CONTROL_BYTES,
    verifyClient: ({ req }: { req: IncomingMessage }) => {
      const given = Buffer.from(req.headers.authorization ?? '');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  });
  wss.on('connection', (socket: WebSocket) => {
    const owner: SfuOwner = {
      emit: (event) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
      },
    };
    socket.on('message', (data) => {
      let request: SfuRequest;
      try {
        request = sfuRequest.parse(JSON.parse(String(data)));
      } catch {
        socket.send(JSON.stringify({ id: -1, ok: false, error: 'voice: malformed control request' }));
        return;
      }
      void handle(sfu, owner, request, stats).then((reply) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
      });
    });
    socket.on('close', () => sfu.dropOwner(owner));
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const address = wss.address();
  return {
    sfu,
    port: typeof address === 'object' && address ? address.port : options.port,
    async close() {
      sfu.close();
      loop.disable();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

async function handle(
  sfu: Sfu,
  owner: SfuOwner,
  r: SfuRequest,
  stats: (reset: boolean, roomId?: string, peerId?: string) => SfuStats,
): Promise<SfuReply> {
  try {
    switch (r.op) {
      case 'join':
        return {
          id: r.id,
          ok: true,
          offer: await sfu.join(owner, r.room, r.peer, {
            publish: r.publish,
            muted: r.muted,
            position: r.position,
          }),
        };
      case 'answer':
        await sfu.answer(owner, r.room, r.peer, r.revision, r.sdp);
        break;
      case 'candidate':
        await sfu.candidate(owner, r.room, r.peer, r);
        break;
      case 'leave':
        sfu.leave(owner, r.room, r.peer);
        break;
      case 'policy':
        sfu.policy(owner, r.room, r.peer, r.publish, r.muted);
        break;
      case 'positions':
        sfu.positions(owner, r.room, r.positions);
        break;
      case 'floor':
        sfu.floor(owner, r.room, r.peers);
        break;
      case 'closeRoom':
        sfu.closeRoom(owner, r.room);
        break;
      case 'stats':
        return { id: r.id, ok: true, stats: stats(r.reset, r.room, r.peer) };
    }
    return { id: r.id, ok: true };
  } catch (error) {
    const message = error instanceof SfuError ? error.message : 'voice: the SFU could not do that';
    return { id: r.id, ok: false, error: message };
  }
}
