import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Sql } from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { connect } from '../../../server/db/connect.ts';
import {
  BASELINE_VERSION,
  dropAll,
  migrate,
  MigrationError,
  readMigrations,
} from '../../../server/db/migrate.ts';

const admin = connect(inject('databaseUrl'), { max: 1 });
const opened: Sql[] = [];
afterAll(async () => {
  await Promise.all(opened.map((s) => s.end()));
  await admin.end();
});

/** A fresh empty database on the run's cluster. */
async function freshDatabase(): Promise<Sql> {
  return (await freshDatabaseWithUrl()).sql;
}

async function freshDatabaseWithUrl(): Promise<{ sql: Sql; url: string }> {
  const name = `migrate_${crypto.randomUUID().replaceAll('-', '')}`;
  await admin.unsafe(`create database ${name}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), { max: 1 });
  opened.push(sql);
  return { sql, url: url.toString() };
}

/**
 * A database as the chain before the baseline squash left it (a `.chenu` data dir of an earlier
 * `npm start`): its bookkeeping records the old versions, none of which is a file any more.
 */
async function databaseOfTheOldChain(): Promise<{ sql: Sql; url: string }> {
  const db = await freshDatabaseWithUrl();
  await db.sql.unsafe(`
    create schema supabase_migrations;
    create table supabase_migrations.schema_migrations (version text not null primary key, statements text[], name text);
    create table supabase_migrations.chenu_checksums (version text not null primary key, sha256 text not null,
      applied_at timestamptz not null default now());
    insert into supabase_migrations.schema_migrations (version, name) values
      ('20261127000100', 'create_users_and_identities'), ('20261127000200', 'create_audit_log'),
      ('20261207600000', 'make_rooms_the_writers_of_spatial_rows');
    insert into supabase_migrations.chenu_checksums (version, sha256)
      select version, repeat('0', 64) from supabase_migrations.schema_migrations;`);
  return db;
}

/** A scratch copy of supabase/ to edit. */
async function copyOfSupabaseDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-migrations-'));
  await cp(path.resolve('supabase'), dir, { recursive: true });
  return dir;
}

async function failure(promise: Promise<unknown>): Promise<MigrationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MigrationError) return error;
    throw error;
  }
  throw new Error('expected a MigrationError');
}

describe('migrate', () => {
  it('applies every file in version order once and records them where the Supabase CLI looks', async () => {
    const sql = await freshDatabase();
    const files = await readMigrations(path.resolve('supabase', 'migrations'));
    const first = await migrate(sql, path.resolve('supabase'));
    expect(first.applied).toEqual(files.map((f) => f.version));
    const rows =
      await sql`select version, name, statements from supabase_migrations.schema_migrations order by version`;
    expect(rows.map((r) => `${r.version}_${r.name}.sql`)).toEqual(files.map((f) => f.file));
    expect(rows[0]!.statements).toEqual([files[0]!.sql]);
    const second = await migrate(sql, path.resolve('supabase'));
    expect(second).toEqual({ applied: [], skipped: files.length });
  });

  it('refuses to run when an applied migration changed, and changes nothing', async () => {
    const sql = await freshDatabase();
    const dir = await copyOfSupabaseDir();
    try {
      await migrate(sql, dir);
      const [first] = (await readdir(path.join(dir, 'migrations'))).sort();
      await appendFile(path.join(dir, 'migrations', first!), '\n-- edited after apply\n');
      await writeFile(
        path.join(dir, 'migrations', '29991231000000_create_late_table.sql'),
        'create table public.late (id int);',
      );
      const error = await failure(migrate(sql, dir));
      expect(error.code).toBe('checksum_mismatch');
      expect(error.message).toContain(first!);
      const [late] = await sql`select to_regclass('public.late') as t`;
      expect(late!.t).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const sql = await freshDatabase();
    const dir = await copyOfSupabaseDir();
    try {
      await writeFile(
        path.join(dir, 'migrations', '29991231000000_create_broken.sql'),
        'create table public.half_done (id int);\nselect 1/0;',
      );
      const error = await failure(migrate(sql, dir));
      expect(error.code).toBe('failed');
      expect(error.message).toContain('29991231000000_create_broken.sql');
      const [row] = await sql`select to_regclass('public.half_done') as t,
        (select count(*)::int from supabase_migrations.schema_migrations where version = '29991231000000') as n`;
      expect(row).toEqual({ t: null, n: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a database built by the chain before the baseline squash, applying nothing', async () => {
    const { sql } = await databaseOfTheOldChain();
    const error = await failure(migrate(sql, path.resolve('supabase')));
    expect(error.code).toBe('unknown_applied');
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('from 20261127000100 to 20261207600000');
    expect(error.message).toContain('20261130 baseline');
    expect(error.message).toContain("'npm run db:reset'");
    const [row] = await sql`select to_regclass('public.users') as t,
      (select count(*)::int from supabase_migrations.schema_migrations where version = ${BASELINE_VERSION}) as n`;
    expect(row).toEqual({ t: null, n: 0 });
  });

  it('tells the CLI user of such a database how to reset it in one line, without a stack trace', async () => {
    const { url } = await databaseOfTheOldChain();
    const run = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.resolve('server/cli/db.ts'), 'migrate'],
      { env: { ...process.env, DATABASE_URL: url }, timeout: 60_000 },
    );
    const outcome = await run.then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
    );
    expect(outcome.code).toBe(1);
    const lines = outcome.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^migrate: this database holds 3 applied migration\(s\).*'npm run db:reset'/);
    expect(outcome.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses badly named migration files', async () => {
    const dir = await copyOfSupabaseDir();
    try {
      await writeFile(path.join(dir, 'migrations', 'add_stuff.sql'), 'select 1;');
      expect((await failure(readMigrations(path.join(dir, 'migrations')))).code).toBe('bad_name');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('skips the bootstrap where schema auth already exists (a Supabase project) and reset refuses to drop it', async () => {
    const sql = await freshDatabase();
    // stand-in for a hosted project's own auth schema: the bootstrap's objects minus sessions, no marker
    await sql.unsafe(await readFile(path.resolve('supabase', 'bootstrap', 'supabase_compat.sql'), 'utf8'));
    await sql.unsafe(
      'drop table auth.refresh_tokens; drop table auth.sessions; comment on schema auth is null',
    );
    const result = await migrate(sql, path.resolve('supabase'));
    expect(result.applied.length).toBeGreaterThan(0);
    const [row] = await sql`select to_regclass('auth.sessions') as t`;
    expect(row!.t).toBeNull();
    expect((await failure(dropAll(sql))).code).toBe('refused');
  });
});
