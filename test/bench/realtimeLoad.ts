/**
 * Load generator process for `npm run bench:realtime`: N bots + a few probes join one room and send
 * head + hands poses at 20 Hz, each with its own random send phase. Bots skip state decoding (their
 * socket frames are only counted); probes decode and time their own echo (their avatar's `echo`
 * stamp). Prints `measure-start` / `measure-end` around the measured window, then one JSON line with
 * the probes' latency percentiles and downlink bytes/s.
 * Input: one JSON argument (see LoadSpec).
 */
import { Client, type Room } from '@colyseus/sdk';

interface LoadSpec {
  url: string;
  room: string;
  options: Record<string, unknown>;
  token: string;
  bots: number;
  probes: number;
  warmupMs: number;
  measureMs: number;
  seed: number;
  areaM: number;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const SEND_MS = 50;

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(spec.seed);

interface Agent {
  room: Room;
  x: number;
  z: number;
  phase: number;
  probe: boolean;
  bytes: number;
}

type Conn = { events: { onmessage?: (e: MessageEvent) => void } };

async function joinAgent(probe: boolean): Promise<Agent> {
  const client = new Client(spec.url);
  client.auth.token = spec.token;
  const room = await client.joinOrCreate(spec.room, spec.options);
  const agent: Agent = {
    room,
    x: (random() - 0.5) * spec.areaM,
    z: (random() - 0.5) * spec.areaM,
    phase: random() * SEND_MS,
    probe,
    bytes: 0,
  };
  const events = (room.connection as unknown as Conn).events;
  const decode = events.onmessage!;
  events.onmessage = probe
    ? (e) => {
        agent.bytes += (e.data as ArrayBuffer).byteLength;
        decode(e);
      }
    : (e) => {
        agent.bytes += (e.data as ArrayBuffer).byteLength; // bots: count, never decode
      };
  room.onMessage('*', () => {});
  return agent;
}

function pose(a: Agent, tick: number, stamp?: number) {
  const bob = Math.sin(tick / 7 + a.phase) * 0.02;
  const head = [a.x, 1.6 + bob, a.z, 0, Math.sin(tick / 40) * 0.3, 0, 1];
  const left = [a.x - 0.25, 1.1 + bob, a.z + 0.2, 0, 0, 0, 1];
  const right = [a.x + 0.25, 1.1 - bob, a.z + 0.2, 0, 0, 0, 1];
  return stamp === undefined ? { h: head, l: left, r: right } : { h: head, l: left, r: right, t: stamp };
}

async function main(): Promise<void> {
  const agents: Agent[] = [];
  // the first agent creates the room; the rest join in small concurrent batches
  agents.push(await joinAgent(true));
  const total = spec.bots + spec.probes;
  while (agents.length < total) {
    const batch = Math.min(25, total - agents.length);
    const probesLeft = spec.probes - agents.filter((a) => a.probe).length;
    agents.push(...(await Promise.all(Array.from({ length: batch }, (_, i) => joinAgent(i < probesLeft)))));
  }
  const latencies: number[] = [];
  let measuring = false;
  const sent = new Map<Agent, number>();
  for (const a of agents.filter((x) => x.probe)) {
    const me = a.room.sessionId;
    let last = 0;
    a.room.onStateChange((state: { avatars: Map<string, { echo: number }> }) => {
      const echo = state.avatars.get(me)?.echo ?? 0;
      if (echo !== last && echo !== 0) {
        last = echo;
        if (measuring && sent.has(a)) latencies.push(Math.floor(performance.now()) - echo);
      }
    });
  }
  const timers: NodeJS.Timeout[] = [];
  for (const a of agents) {
    let tick = 0;
    timers.push(
      setTimeout(() => {
        timers.push(
          setInterval(() => {
            tick += 1;
            if (a.probe) {
              const stamp = Math.floor(performance.now()) >>> 0;
              sent.set(a, stamp);
              a.room.send('pose', pose(a, tick, stamp));
            } else {
              a.room.send('pose', pose(a, tick));
            }
          }, SEND_MS),
        );
      }, a.phase),
    );
  }
  await new Promise((r) => setTimeout(r, spec.warmupMs));
  for (const a of agents) a.bytes = 0;
  const cpu0 = process.cpuUsage();
  // the bench may profile the server over exactly this window (realtime.bench.ts `profile=N`)
  process.stdout.write('measure-start\n');
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, spec.measureMs));
  measuring = false;
  process.stdout.write('measure-end\n');
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const t of timers) clearTimeout(t);
  const probes = agents.filter((a) => a.probe);
  latencies.sort((x, y) => x - y);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  const result = {
    clients: agents.length,
    samples: latencies.length,
    p50: pct(50),
    p99: pct(99),
    probeDownlinkBps: probes.reduce((s, a) => s + a.bytes, 0) / probes.length / seconds,
    botDownlinkBps:
      agents.filter((a) => !a.probe).reduce((s, a) => s + a.bytes, 0) / Math.max(1, spec.bots) / seconds,
    loadCpu: (cpu.user + cpu.system) / 1e6 / seconds,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await Promise.all(agents.map((a) => a.room.leave().catch(() => undefined)));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
