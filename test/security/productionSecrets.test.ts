/**
 * Door: the demo credentials (Supabase's public demo JWT secret, the seeded demo users) on a real
 * deployment. Tried as a deployer who sets only DATABASE_URL would: `npm start`, the realtime
 * server alone and the Deno functions each refuse to start on the demo secret with one line naming
 * the fix, before touching the database; with a real secret, `npm start` leaves the demo users out
 * of a DATABASE_URL database. The embedded database, and a database declared a local throwaway with
 * CHENU_LOCAL_DEMO=true, keep the demo defaults.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../server/db/connect.ts';
import { demoRefusal, parseEnv, seedsDemo } from '../../server/env.ts';
import { startDenoFunctions } from '../../server/gateway/denoFunctions.ts';
import { DEMO_JWT_SECRET } from '../../shared/demoCredentials.ts';
import { withDatabase } from '../helpers/databaseUrl.ts';

const TSX = path.resolve('node_modules/.bin/tsx');
const REMOTE = 'postgresql://postgres:pw@db.example.invalid:5432/postgres';
const REAL_SECRET = 'a-real-project-secret-0123456789-abcdefghijklmnop';

/** Runs `tsx <script> [...args]` with exactly `env` (plus PATH/HOME) until it exits. */
function run(script: string, env: Record<string, string>, args: string[] = []) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(TSX, [script, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('demo credentials outside local use', () => {
  it('decides from the configuration alone', () => {
    const refusal = (e: Record<string, string>) => demoRefusal(parseEnv(e));
    expect(refusal({})).toBeUndefined();
    expect(refusal({ DATABASE_URL: REMOTE })).toMatch(
      /^CHE·NU: refusing to start: CHENU_JWT_SECRET .*; set /,
    );
    expect(refusal({ DATABASE_URL: REMOTE, CHENU_JWT_SECRET: DEMO_JWT_SECRET })).toContain(
      'CHENU_JWT_SECRET',
    );
    expect(refusal({ DATABASE_URL: REMOTE, CHENU_JWT_SECRET: REAL_SECRET })).toBeUndefined();
    expect(refusal({ DATABASE_URL: REMOTE, CHENU_JWT_SECRET: REAL_SECRET, CHENU_SEED: 'true' })).toContain(
      'CHENU_SEED=true',
    );
    expect(refusal({ DATABASE_URL: REMOTE, CHENU_LOCAL_DEMO: 'true', CHENU_SEED: 'true' })).toBeUndefined();
    expect(seedsDemo(parseEnv({}))).toBe(true);
    expect(seedsDemo(parseEnv({ CHENU_SEED: 'false' }))).toBe(false);
    expect(seedsDemo(parseEnv({ DATABASE_URL: REMOTE, CHENU_JWT_SECRET: REAL_SECRET }))).toBe(false);
    expect(seedsDemo(parseEnv({ DATABASE_URL: REMOTE, CHENU_LOCAL_DEMO: 'true' }))).toBe(true);
  });

  describe('against a fresh DATABASE_URL database', () => {
    const admin = connect(inject('databaseUrl'), { max: 1 });
    const name = `fresh_deploy_${process.pid}`;
    const url = withDatabase(inject('databaseUrl'), name);
    const sql = connect(url, { max: 1 });
    const dir = { path: '' };
    beforeAll(async () => {
      await admin.unsafe(`drop database if exists ${name}`);
      await admin.unsafe(`create database ${name}`);
      dir.path = await mkdtemp(path.join(os.tmpdir(), 'chenu-deploy-'));
    });
    afterAll(async () => {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
      await rm(dir.path, { recursive: true, force: true });
    });

    it('npm start refuses the demo secret in one line, before migrating anything', async () => {
      const r = await run('server/cli/start.ts', { DATABASE_URL: url, CHENU_DATA_DIR: dir.path });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("CHENU_JWT_SECRET is Supabase's public demo secret");
      expect(lines[0]).toContain('set CHENU_JWT_SECRET');
      expect(r.stdout).not.toContain('[2/6]');
      const [t] = await sql`select to_regclass('public.users') as t`;
      expect(t!.t).toBeNull();
    });

    it('the realtime server alone refuses the demo secret in one line', async () => {
      const r = await run('server/realtime/serve.ts', { DATABASE_URL: url, CHENU_REALTIME_PORT: '1' });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('public demo secret')]);
    });

    it('npm start with a real secret migrates but leaves the demo users out', async () => {
      // the gateway's port is taken, so start stops at step 4, after the seed decision, before Deno
      const blocker = http.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      try {
        const port = (blocker.address() as { port: number }).port;
        const r = await run('server/cli/start.ts', {
          DATABASE_URL: url,
          CHENU_DATA_DIR: dir.path,
          CHENU_JWT_SECRET: REAL_SECRET,
          CHENU_HTTP_PORT: String(port),
        });
        expect(r.stdout).toContain('[2/6] migrations');
        expect(r.stdout).toContain('demo seed skipped');
        expect(r.stderr).toContain(`port ${port} is already in use`);
        expect(r.code).toBe(1);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
      const [users] = await sql`select count(*)::int as n from public.users`;
      expect(users!.n).toBe(0);
      expect(await sql`select 1 from auth.users where email like '%@chenu.local'`).toHaveLength(0);
    });

    it('npm run db:seed refuses to load the demo users into it', async () => {
      const seeded = await run('server/cli/db.ts', { DATABASE_URL: url, CHENU_JWT_SECRET: REAL_SECRET }, [
        'seed',
      ]);
      expect(seeded.code).toBe(2);
      expect(seeded.stderr.trim().split('\n')).toEqual([expect.stringContaining('refusing db:seed')]);
      expect(await sql`select 1 from auth.users where email like '%@chenu.local'`).toHaveLength(0);
    });
  });

  it('the Deno functions refuse the demo secret unless the gateway declares the database local', async () => {
    const lines: string[] = [];
    const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-deploy-fn-'));
    try {
      await expect(
        startDenoFunctions({
          databaseUrl: inject('databaseUrl'),
          publicUrl: 'http://127.0.0.1:1',
          jwtSecret: DEMO_JWT_SECRET,
          localDemo: false,
          port: 0,
          filesDir: dir,
          filesMaxBytes: 1024,
          log: (line) => lines.push(line),
        }),
      ).rejects.toThrow(/exited/);
      expect(lines.join('\n')).toContain(
        "refusing to start: CHENU_JWT_SECRET is Supabase's public demo secret",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
