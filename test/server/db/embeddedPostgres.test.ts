import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import {
  EmbeddedPostgresError,
  freePort,
  isPortTaken,
  startEmbeddedPostgres,
  unreachableByPostgres,
} from '../../../server/db/embeddedPostgres.ts';

async function refusal(promise: Promise<unknown>): Promise<EmbeddedPostgresError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EmbeddedPostgresError) return error;
    throw error;
  }
  throw new Error('expected an EmbeddedPostgresError');
}

/** A process's group and session ids, from `/proc/<pid>/stat` ("pid (comm) state ppid pgrp session …"). */
async function groupAndSession(pid: string): Promise<number[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .slice(2, 4)
    .map(Number);
}

describe('startEmbeddedPostgres', () => {
  it('refuses a port that is taken, naming the port and the variable to change', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await isPortTaken(port)).toBe(true);
      const error = await refusal(
        startEmbeddedPostgres({ dataDir: path.join(os.tmpdir(), 'never-used'), port }),
      );
      expect(error.code).toBe('port_in_use');
      expect(error.message).toContain(String(port));
      expect(error.message).toContain('CHENU_PG_PORT');
    } finally {
      server.close();
    }
  });

  it("refuses, in one line naming the closed folder and the fix, a data dir the 'postgres' user cannot reach as root", async () => {
    // a checkout under root's own home (mode 700) is the case met on fresh machines
    const home = await mkdtemp(path.join(os.tmpdir(), 'chenu-private-'));
    try {
      await chmod(home, 0o700);
      const dataDir = path.join(home, 'checkout', '.chenu', 'pg');
      if (process.getuid?.() === 0) {
        expect(unreachableByPostgres([dataDir])).toEqual({ target: dataDir, closed: home });
        const error = await refusal(startEmbeddedPostgres({ dataDir, port: await freePort() }));
        expect(error.code).toBe('unreachable');
        expect(error.message).not.toContain('\n');
        expect(error.message).toContain(
          `cannot reach ${path.dirname(dataDir)} (${home} is closed to other users)`,
        );
        expect(error.message).toContain('/opt/chenu');
        expect(existsSync(path.join(home, 'checkout'))).toBe(false);
        // opened to other users, the same place is fine
        await chmod(home, 0o755);
        expect(unreachableByPostgres([dataDir])).toBeNull();
      } else {
        // not root: Postgres runs as this very user, who owns the folder
        expect(unreachableByPostgres([dataDir])).toBeNull();
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('refuses a data dir from another PostgreSQL major', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-major-'));
    try {
      await mkdir(path.join(dir, 'pg'));
      await writeFile(path.join(dir, 'pg', 'PG_VERSION'), '16\n');
      const error = await refusal(
        startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() }),
      );
      expect(error.code).toBe('wrong_major');
      expect(error.message).toMatch(/PostgreSQL 16 cluster.*PostgreSQL 17/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('detached, a server that fails to start is reported with the end of its log', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-detached-bad-'));
    await chmod(dir, 0o755);
    try {
      const error = await refusal(
        startEmbeddedPostgres({
          dataDir: path.join(dir, 'pg'),
          port: await freePort(),
          detached: true,
          settings: { no_such_setting: 'on' },
        }),
      );
      expect(error.code).toBe('start_failed');
      expect(error.message).toContain('pg_ctl.log');
      expect(error.message).toContain('unrecognized configuration parameter "no_such_setting"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("detached, runs outside this process's session (a terminal's Ctrl-C cannot reach it) until stopped", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-detached-'));
    await chmod(dir, 0o755);
    const dataDir = path.join(dir, 'pg');
    const port = await freePort();
    const db = await startEmbeddedPostgres({ dataDir, port, detached: true });
    try {
      const sql = postgres(db.url, { max: 1, onnotice: () => {} });
      expect((await sql`select 1 as one`)[0]).toEqual({ one: 1 });
      await sql.end();
      const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
      const [pgrp, session] = await groupAndSession(String(pid));
      const [ownGroup, ownSession] = await groupAndSession('self');
      expect(pgrp).not.toBe(ownGroup);
      expect(session).not.toBe(ownSession);
      expect(session).toBe(pid);
    } finally {
      await db.stop();
    }
    expect(existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);
    expect(await isPortTaken(port)).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });
});
