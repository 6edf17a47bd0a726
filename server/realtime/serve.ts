/**
 * The realtime server alone, as a process: `tsx server/realtime/serve.ts` with DATABASE_URL set
 * (and REDIS_URL for scale-out, CHENU_REALTIME_PORT, CHENU_REALTIME_PUBLIC_ADDRESS; CHENU_SFU_URLS +
 * CHENU_SFU_SECRET for voice). Prints one JSON
 * line `{"event":"realtime.listening",…}` when ready; SIGTERM/SIGINT stop it cleanly. `npm start`
 * runs the same server in-process instead.
 */
import { connect } from '../db/connect.ts';
import { demoRefusal, jwtIssuer, parseEnv } from '../env.ts';
import { createRealtimeServer } from './createRealtimeServer.ts';
import { createLogger } from './logger.ts';
import { voiceOptionsOf } from '../voice/VoiceService.ts';

async function main(): Promise<void> {
  const env = parseEnv();
  const refusal = demoRefusal(env);
  if (refusal) throw new Error(refusal);
  if (!env.DATABASE_URL)
    throw new Error('realtime: DATABASE_URL is required to run the realtime server alone');
  const log = createLogger({ component: 'realtime', pid: process.pid });
  const sql = connect(env.DATABASE_URL, { max: 8 });
  const rt = await createRealtimeServer({
    sql,
    jwtSecret: env.CHENU_JWT_SECRET,
    jwksUrl: env.CHENU_JWKS_URL,
    issuer: jwtIssuer(env),
    redisUrl: env.REDIS_URL,
    adminIdentityIds: env.CHENU_ADMIN_IDENTITY_IDS.split(',').filter(Boolean),
    publicAddress: env.CHENU_REALTIME_PUBLIC_ADDRESS,
    voice: voiceOptionsOf(env),
    log,
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('realtime.stopping', { signal });
    await rt.stop();
    await sql.end({ timeout: 5 });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await rt.listen(env.CHENU_REALTIME_PORT);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
