/**
 * Local auth's cost to the event loop it shares with the realtime rooms (`npm start` runs the
 * gateway and Colyseus in one process): rounds of CONCURRENT password sign-ins of the seeded user
 * through the real gateway, on a throwaway embedded Postgres with the migrations and the seed. The
 * sign-ins are sent from a worker thread, so the main thread runs only what the product runs on it
 * (the gateway, local auth, the database client). Prints, for the main thread:
 * - its loop delay (`monitorEventLoopDelay`, per round: the median of the rounds' p50 and p99, the
 *   largest max), what a room's tick would wait;
 * - its CPU per sign-in (`process.threadCpuUsage`), the work itself, which load from elsewhere on
 *   this shared machine does not inflate the way it inflates delays;
 * and the sign-in latency the worker saw. Run: `npm run bench:auth`.
 *
 * A/B of two checkouts in one run: `AUTH_BENCH_AGAINST=<other checkout> npm run bench:auth` (the
 * other checkout needs its own node_modules). Each side gets its own database with its own
 * migrations and seed, and its own gateway and database client from its own code and dependencies,
 * in this one process; the rounds then
 * alternate between the sides (ABBA), so load from elsewhere falls on both alike. Prints each side's
 * figures and this/other ratios.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Server } from 'node:http';
import type { Sql } from 'postgres';
import { connect } from '../../server/db/connect.ts';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../../server/db/embeddedPostgres.ts';
import { migrate, seed } from '../../server/db/migrate.ts';
import { parseEnv } from '../../server/env.ts';
import type * as ConnectModule from '../../server/db/connect.ts';
import type * as GatewayModule from '../../server/gateway/gateway.ts';
import type * as JwtModule from '../../server/gateway/jwt.ts';

const CONCURRENT = 20;
/** Rounds per side: 5 alone (as before the A/B mode), 12 in an A/B run. */
const AGAINST = process.env.AUTH_BENCH_AGAINST;
const ROUNDS = Number(process.env.AUTH_BENCH_ROUNDS ?? (AGAINST ? 12 : 5));

/** The sign-in client, in a worker: it fires one round of CONCURRENT sign-ins per message. */
const CLIENT = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, apikey, concurrent }) => {
  const signIn = async () => {
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { apikey, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@chenu.local', password: 'chenu-demo-password' }),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error('sign-in answered ' + res.status);
    return performance.now() - t0;
  };
  try {
    parentPort.postMessage({ latencies: await Promise.all(Array.from({ length: concurrent }, signIn)) });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
`;

interface Side {
  name: string;
  db: EmbeddedDb;
  pool: Sql;
  server: Server;
  url: string;
  apikey: string;
  /** Each measured round's loop delay (ms): p50, p99, max. */
  lag: { p50: number; p99: number; max: number }[];
  cpuMicros: number;
  latencies: number[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** A database with `checkout`'s migrations and seed, and `checkout`'s gateway on it. */
async function startSide(name: string, checkout: string, dir: string): Promise<Side> {
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, name),
    port: await freePort(),
    persistent: false,
  });
  const setup = connect(db.url, { max: 2 });
  try {
    await migrate(setup, path.join(checkout, 'supabase'));
    await seed(setup, path.join(checkout, 'supabase'));
  } finally {
    await setup.end({ timeout: 5 });
  }
  // the side's own database client, as its gateway would be started with
  const { connect: connectSide } = (await import(
    path.join(checkout, 'server/db/connect.ts')
  )) as typeof ConnectModule;
  const pool = connectSide(db.url, { max: 10 });
  const { startGateway } = (await import(
    path.join(checkout, 'server/gateway/gateway.ts')
  )) as typeof GatewayModule;
  const { projectKeys } = (await import(path.join(checkout, 'server/gateway/jwt.ts'))) as typeof JwtModule;
  const env = parseEnv({});
  const keys = await projectKeys(env.CHENU_JWT_SECRET);
  const server = await startGateway({
    sql: pool,
    port: 0,
    functionsUrl: () => undefined,
    jwtSecret: env.CHENU_JWT_SECRET,
    accessTokenTtl: env.CHENU_ACCESS_TOKEN_TTL,
    keys,
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/auth/v1/token?grant_type=password`;
  return { name, db, pool, server, url, apikey: keys.anonKey, lag: [], cpuMicros: 0, latencies: [] };
}

async function stopSide(side: Side): Promise<void> {
  side.server.closeAllConnections();
  await new Promise((resolve) => side.server.close(resolve));
  await side.pool.end({ timeout: 5 });
  await side.db.stop();
}

function round(client: Worker, side: Side): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.once('message', (reply: { latencies?: number[]; error?: string }) =>
      reply.latencies ? resolve(reply.latencies) : reject(new Error(reply.error)),
    );
    client.postMessage({ url: side.url, apikey: side.apikey, concurrent: CONCURRENT });
  });
}

/**
 * One measured round on `side`, with a loop-delay monitor of its own (one enabled again would count
 * the time it was off as one long delay, and Node cannot merge them): the side keeps each round's
 * percentiles.
 */
async function measuredRound(client: Worker, side: Side): Promise<void> {
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const cpu0 = process.threadCpuUsage();
  const latencies = await round(client, side);
  const cpu = process.threadCpuUsage(cpu0);
  lag.disable();
  side.lag.push({ p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 });
  side.cpuMicros += cpu.user + cpu.system;
  side.latencies.push(...latencies);
}

function figures(side: Side) {
  const sorted = [...side.latencies].sort((a, b) => a - b);
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  return {
    lagP50: median(side.lag.map((r) => r.p50)),
    lagP99: median(side.lag.map((r) => r.p99)),
    lagMax: Math.max(...side.lag.map((r) => r.max)),
    cpuPerSignIn: side.cpuMicros / side.latencies.length,
    signInP50: percentile(sorted, 50),
    signInP99: percentile(sorted, 99),
  };
}

function print(side: Side): ReturnType<typeof figures> {
  const f = figures(side);
  console.log(
    `${side.name}: ${side.latencies.length / CONCURRENT} rounds of ${CONCURRENT} concurrent password sign-ins`,
  );
  console.log(
    `  event-loop delay  p50 ${f.lagP50.toFixed(1)} ms  p99 ${f.lagP99.toFixed(1)} ms (medians of the rounds')  max ${f.lagMax.toFixed(1)} ms`,
  );
  console.log(`  main-thread CPU   ${f.cpuPerSignIn.toFixed(0)} µs per sign-in`);
  console.log(`  sign-in latency   p50 ${f.signInP50.toFixed(1)} ms  p99 ${f.signInP99.toFixed(1)} ms`);
  return f;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-bench-auth-'));
  await chmod(dir, 0o755);
  const client = new Worker(CLIENT, { eval: true });
  const sides: Side[] = [];
  try {
    sides.push(await startSide('local auth', path.resolve('.'), dir));
    if (AGAINST) {
      sides[0]!.name = 'this checkout';
      sides.push(await startSide(`other (${path.resolve(AGAINST)})`, path.resolve(AGAINST), dir));
    }
    for (const side of sides) await round(client, side); // warm-up: first bcrypt, JIT, pool connections
    for (let r = 0; r < ROUNDS; r++) {
      // ABBA: each side goes first as often as the other
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) await measuredRound(client, side);
    }
    const [mine, theirs] = sides.map(print);
    if (mine && theirs) {
      const ratio = (a: number, b: number) => (a / b).toFixed(2);
      console.log(`this / other (below 1 is better for this checkout):`);
      console.log(`  event-loop delay p99  ${ratio(mine.lagP99, theirs.lagP99)}`);
      console.log(`  main-thread CPU per sign-in  ${ratio(mine.cpuPerSignIn, theirs.cpuPerSignIn)}`);
      console.log(`  sign-in latency p50  ${ratio(mine.signInP50, theirs.signInP50)}`);
    }
  } finally {
    await client.terminate();
    for (const side of sides) await stopSide(side);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
