/**
 * `npm test`'s pretest step (and `npm run test:clock-shift`'s): makes sure the system pieces the
 * suites drive are on this machine before vitest starts, so a fresh machine with nothing but Node
 * either gets them or stops at once with one line saying what to run, never a 60-second timeout or a
 * stack trace. Debian's packages, never a browser download:
 * - `chromium`: the browser end-to-end suites and the client benchmark (Playwright drives it);
 * - `redis-server`: the realtime scale-out test (two processes on a loopback Redis);
 * - `turnserver` (package `coturn`): the voice call through a TURN relay (test/voice/turnRelay.test.ts);
 * - `faketime`: the clock-shift run only.
 * As root with apt-get (CI, a fresh container) the missing ones are installed; otherwise the line
 * names the `apt-get install` command. It also refuses, in one line, a checkout the `postgres` OS
 * user cannot reach when run as root (the test database runs as that user then).
 *
 * Usage: `tsx test/cli/preflight.ts [faketime]`.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { binaries, unreachableByPostgres } from '../../server/db/embeddedPostgres.ts';

/** Command on PATH -> the Debian package that brings it, and its install flags. */
const PIECES = {
  chromium: { pkg: 'chromium', flags: [] as string[] },
  'redis-server': { pkg: 'redis-server', flags: ['--no-install-recommends'] },
  faketime: { pkg: 'faketime', flags: ['--no-install-recommends'] },
  turnserver: { pkg: 'coturn', flags: ['--no-install-recommends'] },
} as const;
type Piece = keyof typeof PIECES;

const has = (command: string) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

function fail(line: string): never {
  console.error(`preflight: ${line}`);
  process.exit(1);
}

function apt(args: string[]): { ok: boolean; tail: string } {
  const r = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n');
  return { ok: r.status === 0, tail: out.slice(-3).join(' / ') };
}

function ensure(pieces: Piece[]): void {
  const missing = pieces.filter((p) => !has(p));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((p) => PIECES[p].pkg))];
  const command = `apt-get install -y ${pkgs.join(' ')}`;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    fail(
      `the tests need ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not installed: ` +
        `run 'sudo apt-get update && sudo ${command}' (Debian/Ubuntu), then 'npm test' again.`,
    );
  }
  console.log(`preflight: installing ${pkgs.join(', ')} with apt-get (Debian packages the tests drive)`);
  const update = apt(['update']);
  if (!update.ok)
    fail(`'apt-get update' failed (${update.tail}); install ${pkgs.join(', ')} by hand: ${command}`);
  for (const p of missing) {
    const install = apt(['install', '-y', ...PIECES[p].flags, PIECES[p].pkg]);
    if (!install.ok || !has(p)) fail(`'apt-get install ${PIECES[p].pkg}' failed (${install.tail})`);
  }
}

async function ensureReachableDatabase(): Promise<void> {
  // the test database runs the package's binaries on a data dir under the system temp folder
  const { pg_ctl } = await binaries();
  const blocked = unreachableByPostgres([path.dirname(pg_ctl), os.tmpdir()]);
  if (blocked) {
    fail(
      `as root, the test database runs as the 'postgres' user, which cannot reach ${blocked.target} ` +
        `(${blocked.closed} is closed to other users): put the checkout in a folder every user can traverse ` +
        `(e.g. /opt/chenu), or run as a regular user.`,
    );
  }
}

const extra = process.argv.slice(2).filter((a): a is Piece => a in PIECES);
ensure(['chromium', 'redis-server', 'turnserver', ...extra]);
await ensureReachableDatabase();
