/**
 * The edge functions under the real Deno binary of the `deno` npm package: ONE long-running
 * `deno run` of supabase/functions/_main/index.ts, which serves every function on a loopback port.
 * Resolves once Deno prints that it listens; rejects if it exits first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface DenoFunctions {
  /** Base URL of the functions process, e.g. http://127.0.0.1:40123 */
  url: string;
  /** SIGTERM, then waits for the exit (SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

export interface DenoFunctionsOptions {
  databaseUrl: string;
  /** Public URL of the gateway (SUPABASE_URL inside the functions). */
  publicUrl: string;
  jwtSecret: string;
  /** A hosted project's JWKS: the functions then verify tokens against it, as the realtime server does. */
  jwksUrl?: string;
  /** The `iss` of user tokens when configured (CHENU_JWT_ISSUER); else the functions derive it alike. */
  jwtIssuer?: string;
  /** The database is the embedded one or a declared throwaway: the demo JWT secret is allowed. */
  localDemo: boolean;
  port: number;
  filesDir: string;
  filesMaxBytes: number;
  /** Extra CHENU_* variables for the functions (outbound allow-list, pool size). */
  extraEnv?: Record<string, string>;
  log?: (line: string) => void;
}

/** Path of the Deno binary installed by the `deno` npm package. */
export function denoBinary(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('deno/package.json')), 'deno');
}

const READY = /^CHENU_FUNCTIONS_LISTENING (\d+)$/;

/**
 * The clock settings the functions share with the rest of the product: the time zone, and
 * libfaketime's preload and settings when the product runs under `faketime` (the clock-shift CI
 * run), so Deno reads the same shifted clock as Node and Postgres.
 */
function clockEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        /^(TZ|LD_PRELOAD|FAKETIME\w*|DONT_FAKE_MONOTONIC)$/.test(e[0]) && e[1] !== undefined,
    ),
  );
}
const STOP_GRACE_MS = 5000;

export function startDenoFunctions(options: DenoFunctionsOptions): Promise<DenoFunctions> {
  const log = options.log ?? (() => {});
  const child: ChildProcess = spawn(
    denoBinary(),
    [
      'run',
      '--no-prompt',
      '--allow-net',
      '--allow-env',
      '--allow-read',
      `--allow-write=${path.resolve(options.filesDir)}`,
      '--allow-sys',
      path.resolve('supabase/functions/_main/index.ts'),
    ],
    {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DENO_DIR: process.env.DENO_DIR,
        DENO_NO_UPDATE_CHECK: '1',
        NO_COLOR: '1',
        SUPABASE_DB_URL: options.databaseUrl,
        SUPABASE_URL: options.publicUrl,
        CHENU_JWT_SECRET: options.jwtSecret,
        ...(options.jwksUrl ? { CHENU_JWKS_URL: options.jwksUrl } : {}),
        ...(options.jwtIssuer ? { CHENU_JWT_ISSUER: options.jwtIssuer } : {}),
        CHENU_LOCAL_DEMO: String(options.localDemo),
        CHENU_FUNCTIONS_PORT: String(options.port),
        CHENU_FILES_DIR: path.resolve(options.filesDir),
        CHENU_FILES_MAX_BYTES: String(options.filesMaxBytes),
        ...clockEnvironment(),
        ...options.extraEnv,
      },
    },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  createInterface({ input: child.stderr! }).on('line', (line) => log(`deno: ${line}`));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exit;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = READY.exec(line);
      if (m && !ready) {
        ready = true;
        resolve({ url: `http://127.0.0.1:${m[1]}`, stop });
      } else log(`deno: ${line}`);
    });
    child.once('error', (error) => reject(new Error(`CHE·NU: cannot start Deno: ${error.message}`)));
    void exit.then(() => {
      if (!ready) reject(new Error(`CHE·NU: the Deno functions process exited (code ${child.exitCode})`));
    });
  });
}
