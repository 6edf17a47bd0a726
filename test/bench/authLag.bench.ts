/**
 * Local auth's cost to the event loop it shares with the realtime rooms (`npm start` runs the
 * gateway and Colyseus in one process): ROUNDS rounds of CONCURRENT password sign-ins of the seeded
 * user through the real gateway, on a throwaway embedded Postgres with the migrations and the seed,
 * while `monitorEventLoopDelay` samples this process' loop. Prints the loop delay (p50/p99/max) and
 * the sign-in latency. Run: `npm run bench:auth`.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Server } from 'node:http';
import type { Sql } from 'postgres';
import { connect } from '../../server/db/connect.ts';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../../server/db/embeddedPostgres.ts';
import { migrate, seed } from '../../server/db/migrate.ts';
import { parseEnv } from '../../server/env.ts';
import { startGateway } from '../../server/gateway/gateway.ts';
import { projectKeys } from '../../server/gateway/jwt.ts';

const CONCURRENT = 20;
const ROUNDS = 5;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-bench-auth-'));
  await chmod(dir, 0o755);
  let db: EmbeddedDb | undefined;
  let pool: Sql | undefined;
  let server: Server | undefined;
  try {
    db = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port: await freePort(),
      persistent: false,
    });
    pool = connect(db.url, { max: 10 });
    await migrate(pool, path.resolve('supabase'));
    await seed(pool, path.resolve('supabase'));
    const env = parseEnv({});
    const keys = await projectKeys(env.CHENU_JWT_SECRET);
    server = await startGateway({
      sql: pool,
      port: 0,
      functionsUrl: () => undefined,
      jwtSecret: env.CHENU_JWT_SECRET,
      accessTokenTtl: env.CHENU_ACCESS_TOKEN_TTL,
      keys,
    });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/auth/v1/token?grant_type=password`;
    const signIn = async () => {
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { apikey: keys.anonKey, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'alice@chenu.local', password: 'chenu-demo-password' }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
      return performance.now() - t0;
    };
    await signIn(); // warm-up: first bcrypt, JIT, pool connections
    const lag = monitorEventLoopDelay({ resolution: 1 });
    const latencies: number[] = [];
    lag.enable();
    for (let round = 0; round < ROUNDS; round++) {
      latencies.push(...(await Promise.all(Array.from({ length: CONCURRENT }, signIn))));
    }
    lag.disable();
    latencies.sort((a, b) => a - b);
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    console.log(`local auth: ${ROUNDS} rounds of ${CONCURRENT} concurrent password sign-ins`);
    console.log(
      `  event-loop delay  p50 ${ms(lag.percentile(50))} ms  p99 ${ms(lag.percentile(99))} ms  max ${ms(lag.max)} ms`,
    );
    console.log(
      `  sign-in latency   p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    );
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    await pool?.end({ timeout: 5 });
    await db?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
