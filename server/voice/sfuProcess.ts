/**
 * One SFU as a process: `tsx server/voice/sfuProcess.ts` with CHENU_SFU_SECRET set (and
 * CHENU_SFU_CONTROL_HOST/PORT, CHENU_SFU_BIND, CHENU_SFU_ANNOUNCED_ADDRESS, CHENU_SFU_UDP_PORTS).
 * Prints one JSON line `{"event":"sfu.listening","port":…}` when ready; SIGTERM/SIGINT stop it.
 * `npm start` runs CHENU_SFU_PROCESSES of these (voice/spawnSfu.ts).
 */
import { parseEnv } from '../env.ts';
import { serveSfu } from './serveSfu.ts';

async function main(): Promise<void> {
  const env = parseEnv();
  if (!env.CHENU_SFU_SECRET)
    throw new Error('sfu: CHENU_SFU_SECRET is required (the realtime processes present it)');
  const running = await serveSfu({
    host: env.CHENU_SFU_CONTROL_HOST,
    port: env.CHENU_SFU_CONTROL_PORT,
    secret: env.CHENU_SFU_SECRET,
    bindAddress: env.CHENU_SFU_BIND,
    announcedAddress: env.CHENU_SFU_ANNOUNCED_ADDRESS ?? env.CHENU_SFU_BIND,
    ...(env.CHENU_SFU_UDP_PORTS ? { portRange: env.CHENU_SFU_UDP_PORTS } : {}),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (process.argv.includes('--exit-with-parent')) {
    // spawned by npm start or a test: the parent's end of the pipe closing means it stopped
    process.stdin.on('end', () => void stop());
    process.stdin.resume();
  }
  console.log(
    JSON.stringify({
      event: 'sfu.listening',
      port: running.port,
      pid: process.pid,
      media: env.CHENU_SFU_BIND,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
