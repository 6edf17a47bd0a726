/**
 * `npm run bench:voice`: one SFU process (server/voice/sfuProcess.ts, the product's) under N
 * synthetic werift participants run by a separate load process (test/bench/voiceLoad.ts), for
 * N = 8, 16, 32, 50, with 4 speakers and everyone listening (the others publish silence frames, as
 * open microphones do). This process plays the realtime process: it drives the SFU over its control
 * port and relays the offers and answers. Prints packets in/out per second, SFU CPU per 1,000
 * forwarded packets (and forwarded packets per CPU-second), and p50/p99 forwarding delay (receive →
 * handed to the socket, timed by the SFU), with the machine's load average. Loopback only, bounded:
 * WARMUP_MS + MEASURE_MS per step.
 * Setup (voiceLoad.ts): everyone joins first, then the answers — so the ICE and DTLS handshakes — go
 * in waves of 8, each waited for (30 s at most per handshake); a participant whose handshake failed
 * or timed out, or whom the SFU dropped, joins again (4 joins at most, then the step fails saying
 * why); the rejoins are counted and printed, and a stalled setup prints where it stands every 10 s.
 * An answer the SFU refuses for any reason but staleness is printed, never swallowed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { SfuClient } from '../../server/voice/SfuClient.ts';
import type { SfuStats } from '../../server/voice/sfuProtocol.ts';
import { spawnSfu } from '../../server/voice/spawnSfu.ts';
import type { FromLoad, ToLoad } from './voiceLoad.ts';

/** `npm run bench:voice -- 8 16` measures only those sizes. */
const ARGS = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => Number.isInteger(n) && n >= 2 && n <= 64);
const LADDER = ARGS.length > 0 ? ARGS : [8, 16, 32, 50];
const SPEAKERS = 4;
const WARMUP_MS = 3_000;
const MEASURE_MS = 10_000;
/** The whole setup's bound (the load process bounds each handshake and each peer's joins itself). */
const SETUP_TIMEOUT_MS = 300_000;
const ROOM = 'bench-voice';
/** Targets of issue 15. */
const TARGET_P99_MS = 20;
const TARGET_FORWARDED_PER_CORE = 20_000;

interface Row {
  n: number;
  inPerS: number;
  outPerS: number;
  received: number;
  cpuShare: number;
  cpuMsPer1000: number;
  forwardedPerCore: number;
  p50: number;
  p99: number;
  loopP99: number;
  loadCpuShare: number;
  minPerListener: number;
  setupS: number;
  /** Participants whose connection failed during setup and joined again. */
  rejoined: number;
  /** Waves the handshakes went in, and how long the joins took before them. */
  waves: number;
  joinedS: number;
  /** Why participants joined again, counted. */
  reasons: Record<string, number>;
}

async function step(n: number): Promise<Row> {
  const secret = randomBytes(24).toString('hex');
  const sfu = await spawnSfu({ secret });
  const control = new SfuClient(sfu.url, secret, () => {});
  await control.connect();
  const child: ChildProcess = fork(path.resolve('test/bench/voiceLoad.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const toLoad = (m: ToLoad) => child.send(m);
  const waiting = new Map<string, (m: FromLoad) => void>();
  const next = (type: FromLoad['type']) => new Promise<FromLoad>((resolve) => waiting.set(type, resolve));
  control.onRoom(ROOM, (event) => {
    if (event.event === 'offer') toLoad({ type: 'offer', peer: event.peer, offer: event.offer });
    // the SFU dropped a session whose connection failed there: that participant joins again
    if (event.event === 'peerState' && event.state === 'failed') {
      toLoad({ type: 'dropped', peer: event.peer, why: 'dropped by the SFU' });
    }
  });
  let loadFailed: (reason: string) => void = () => undefined;
  const failed = new Promise<never>(
    (_, reject) => (loadFailed = (reason) => reject(new Error(`N=${n}: ${reason}`))),
  );
  failed.catch(() => undefined);
  child.on('message', (m: FromLoad) => {
    if (m.type === 'join') {
      // everyone within a 4 m circle: all within hearing radius of all
      const angle = (2 * Math.PI * Number(m.peer.slice(1))) / n;
      void control
        .call({
          op: 'join',
          room: ROOM,
          peer: m.peer,
          publish: true,
          muted: false,
          position: [4 * Math.cos(angle), 1.6, 4 * Math.sin(angle)],
        })
        .then(({ offer }) => toLoad({ type: 'offer', peer: m.peer, offer: offer! }))
        .catch((error: unknown) =>
          toLoad({ type: 'dropped', peer: m.peer, why: `join refused (${(error as Error).message})` }),
        );
      return;
    }
    if (m.type === 'failed') {
      loadFailed(m.reason);
      return;
    }
    if (m.type === 'answer') {
      void control
        .call({ op: 'answer', room: ROOM, peer: m.peer, revision: m.revision, sdp: m.sdp })
        .catch((error: unknown) => {
          // superseded by a newer offer (the peer answers that one too); anything else is worth knowing
          const message = (error as Error).message;
          if (!/is for offer/.test(message))
            console.error(`bench:voice: ${m.peer}'s answer refused: ${message}`);
        });
      return;
    }
    waiting.get(m.type)?.(m);
    waiting.delete(m.type);
  });
  try {
    const t0 = performance.now();
    const ready = next('ready');
    toLoad({ type: 'start', n, speakers: SPEAKERS });
    const settled = await Promise.race([
      ready,
      failed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`N=${n}: setup timed out`)), SETUP_TIMEOUT_MS),
      ),
    ]);
    const setupS = (performance.now() - t0) / 1000;
    const setup = settled as Extract<FromLoad, { type: 'ready' }>;
    const rejoined = setup.failures;
    toLoad({ type: 'send' });
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    await control.call({ op: 'stats', reset: true });
    toLoad({ type: 'measure' });
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const stats: SfuStats = (await control.call({ op: 'stats', reset: false })).stats!;
    const reported = next('report');
    toLoad({ type: 'report' });
    const load = (await reported) as Extract<FromLoad, { type: 'report' }>;
    const seconds = stats.wallMs / 1000;
    return {
      n,
      inPerS: stats.packetsIn / seconds,
      outPerS: stats.packetsForwarded / seconds,
      received: load.received / (load.wallMs / 1000),
      cpuShare: stats.cpuMs / stats.wallMs,
      cpuMsPer1000: stats.cpuMs / (stats.packetsForwarded / 1000),
      forwardedPerCore: stats.packetsForwarded / (stats.cpuMs / 1000),
      p50: stats.delayP50Ms,
      p99: stats.delayP99Ms,
      loopP99: stats.loopP99Ms,
      loadCpuShare: load.cpuMs / load.wallMs,
      minPerListener: load.minPerListener / (load.wallMs / 1000),
      setupS,
      rejoined,
      waves: setup.waves,
      joinedS: setup.joinedS,
      reasons: setup.reasons,
    };
  } finally {
    toLoad({ type: 'stop' });
    await new Promise((r) => child.once('exit', r));
    control.close();
    await sfu.stop();
  }
}

async function main(): Promise<void> {
  const load0 = os.loadavg();
  console.log(
    `bench:voice — one SFU process (werift), N werift peers in a load process, ${SPEAKERS} speakers, everyone listening; ` +
      `${os.cpus().length} cores, load average ${load0.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const rows: Row[] = [];
  for (const n of LADDER) {
    const r = await step(n);
    rows.push(r);
    console.log(
      `N=${String(n).padStart(2)}  in ${r.inPerS.toFixed(0).padStart(5)}/s  out ${r.outPerS.toFixed(0).padStart(6)}/s ` +
        `(received ${r.received.toFixed(0)}/s, least per listener ${r.minPerListener.toFixed(0)}/s)  ` +
        `SFU CPU ${(r.cpuShare * 100).toFixed(0).padStart(3)}%  ${r.cpuMsPer1000.toFixed(1)} ms CPU / 1,000 forwarded ` +
        `(${r.forwardedPerCore.toFixed(0)} forwarded per CPU-second)  delay p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms  ` +
        `loop p99 ${r.loopP99.toFixed(1)} ms  load process CPU ${(r.loadCpuShare * 100).toFixed(0)}%  ` +
        `setup ${r.setupS.toFixed(1)} s (joins ${r.joinedS.toFixed(1)} s, handshakes in ${r.waves} waves; ${r.rejoined} joined again` +
        (r.rejoined > 0
          ? `: ${Object.entries(r.reasons)
              .map(([why, k]) => `${k} ${why}`)
              .join(', ')})`
          : ')'),
    );
  }
  const top = rows.at(-1)!;
  const load1 = os.loadavg();
  console.log('');
  console.log(
    `N=${top.n}, ${SPEAKERS} speakers: SFU CPU ${(top.cpuShare * 100).toFixed(0)}% of one core (target <= 100%), ` +
      `p99 forwarding delay ${top.p99.toFixed(2)} ms (target < ${TARGET_P99_MS} ms): ` +
      `${top.cpuShare <= 1 && top.p99 < TARGET_P99_MS ? 'met' : 'NOT met'}`,
  );
  const best = Math.max(...rows.map((r) => r.forwardedPerCore));
  console.log(
    `forwarded packets per CPU-second: ${best.toFixed(0)} (target >= ${TARGET_FORWARDED_PER_CORE}): ${best >= TARGET_FORWARDED_PER_CORE ? 'met' : 'NOT met'}`,
  );
  console.log(`load average at the end: ${load1.map((l) => l.toFixed(2)).join(' ')}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
