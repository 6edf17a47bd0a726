import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../server/db/embeddedPostgres.ts';

/** A realtime server process (server/realtime/serve.ts) on loopback. */
export interface RealtimeProcess {
  port: number;
  child: ChildProcess;
  /** Every JSON log line it printed so far. */
  logs: Record<string, unknown>[];
  /** SIGTERM (clean) or SIGKILL (crash); resolves when it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const TSX = path.resolve('node_modules/.bin/tsx');

/**
 * Starts serve.ts and resolves once it logs `realtime.listening`; rejects if it exits first. The
 * run's throwaway database is declared local (CHENU_LOCAL_DEMO), so the demo JWT secret is allowed.
 */
export async function spawnRealtime(env: Record<string, string>): Promise<RealtimeProcess> {
  const port = Number(env.CHENU_REALTIME_PORT ?? (await freePort()));
  const child = spawn(TSX, ['server/realtime/serve.ts'], {
    env: { ...process.env, CHENU_LOCAL_DEMO: 'true', ...env, CHENU_REALTIME_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.event === 'realtime.listening') resolve();
        } catch {
          // not a log line (e.g. a library banner)
        }
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`realtime process exited (${code}) before listening:\n${stderr}`)),
    );
  });
  return {
    port,
    child,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
