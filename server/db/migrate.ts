import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql, TransactionSql } from 'postgres';

/** Marker the bootstrap puts on schema auth; reset only drops an auth schema carrying it. */
export const BOOTSTRAP_MARKER = 'chenu: supabase compatibility bootstrap';

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
  sql: string;
  sha256: string;
}

export class MigrationError extends Error {
  constructor(
    readonly code: 'bad_name' | 'checksum_mismatch' | 'failed' | 'refused' | 'unknown_applied',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

const NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

/**
 * The first version of the baseline: on 2026-11-30 the migrations were squashed into one file per
 * concern (supabase/CONTEXT.md). A database that recorded versions older than this was built by the
 * chain before the squash.
 */
export const BASELINE_VERSION = '20261130000100';

/**
 * The one line a database built by another chain gets: versions it recorded that no file here has
 * (the chain before the baseline squash, or another branch's migrations). Nothing is applied then.
 */
export function unknownAppliedMessage(unknown: string[]): string {
  const sorted = [...unknown].sort();
  const before = sorted.some((v) => v < BASELINE_VERSION)
    ? ' (built before the migrations were squashed into the 20261130 baseline)'
    : '';
  return (
    `migrate: this database holds ${sorted.length} applied migration(s) that supabase/migrations ` +
    `does not have, from ${sorted[0]}${sorted.length > 1 ? ` to ${sorted.at(-1)}` : ''}${before}. ` +
    `A local database: run 'npm run db:reset' (drops its data, re-applies migrations and the seed); ` +
    `a Supabase project: 'supabase db reset --db-url <url>'.`
  );
}

/** Reads `supabase/migrations/*.sql` in version order; refuses names the Supabase CLI would not take. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const file of names) {
    const match = NAME.exec(file);
    if (!match) {
      throw new MigrationError('bad_name', `migration ${file}: name must be <YYYYMMDDHHMMSS>_<name>.sql`);
    }
    const sql = await readFile(path.join(dir, file), 'utf8');
    files.push({
      version: match[1]!,
      name: match[2]!,
      file,
      sql,
      sha256: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return files;
}

/** Applies the compatibility bootstrap when schema auth is missing (plain Postgres only). */
async function bootstrap(sql: Sql, supabaseDir: string, log: (l: string) => void): Promise<void> {
  const [row] = await sql<{ present: boolean }[]>`
    select exists (select 1 from pg_namespace where nspname = 'auth') as present`;
  if (row!.present) return;
  log('bootstrap: schema auth missing, creating Supabase roles, auth schema and helpers');
  const text = await readFile(path.join(supabaseDir, 'bootstrap', 'supabase_compat.sql'), 'utf8');
  await sql.begin((tx) => tx.unsafe(text));
}

export interface MigrateResult {
  applied: string[];
  skipped: number;
}

/**
 * Applies pending migrations, each in its own transaction, recording them in
 * `supabase_migrations.schema_migrations` (the Supabase CLI's table, so `supabase db push` agrees)
 * and their checksums beside it. Refuses to run when an applied file has changed.
 */
export async function migrate(
  sql: Sql,
  supabaseDir: string,
  log: (line: string) => void = () => {},
): Promise<MigrateResult> {
  const files = await readMigrations(path.join(supabaseDir, 'migrations'));
  await sql`select pg_advisory_lock(hashtext('chenu:migrate'))`;
  try {
    await bootstrap(sql, supabaseDir, log);
    await sql.unsafe(`
      create schema if not exists supabase_migrations;
      create table if not exists supabase_migrations.schema_migrations (
        version text not null primary key, statements text[], name text);
      create table if not exists supabase_migrations.chenu_checksums (
        version text not null primary key, sha256 text not null,
        applied_at timestamptz not null default now());`);
    const applied = await sql<{ version: string; sha256: string | null }[]>`
      select m.version, c.sha256
      from supabase_migrations.schema_migrations m
      left join supabase_migrations.chenu_checksums c using (version)`;
    const known = new Map(applied.map((r) => [r.version, r.sha256]));
    const present = new Set(files.map((f) => f.version));
    const unknown = applied.map((r) => r.version).filter((v) => !present.has(v));
    if (unknown.length > 0) throw new MigrationError('unknown_applied', unknownAppliedMessage(unknown));
    for (const f of files) {
      const stored = known.get(f.version);
      if (stored && stored !== f.sha256) {
        throw new MigrationError(
          'checksum_mismatch',
          `migration ${f.file} was changed after it was applied (checksum ${stored.slice(0, 12)}… ` +
            `is now ${f.sha256.slice(0, 12)}…). Never edit an applied migration: revert the file ` +
            `and add a new migration, or run 'npm run db:reset' on a local database.`,
        );
      }
    }
    const result: MigrateResult = { applied: [], skipped: 0 };
    for (const f of files) {
      if (known.has(f.version)) {
        if (known.get(f.version) === null) {
          // applied by the Supabase CLI: adopt its checksum now
          await sql`insert into supabase_migrations.chenu_checksums (version, sha256) values (${f.version}, ${f.sha256})`;
        }
        result.skipped++;
        continue;
      }
      const started = performance.now();
      try {
        await sql.begin(async (tx) => {
          await tx.unsafe(f.sql);
          await tx`insert into supabase_migrations.schema_migrations (version, statements, name)
                   values (${f.version}, ${[f.sql]}, ${f.name})`;
          await tx`insert into supabase_migrations.chenu_checksums (version, sha256)
                   values (${f.version}, ${f.sha256})`;
        });
      } catch (cause) {
        throw new MigrationError(
          'failed',
          `migration ${f.file} failed and was rolled back: ${cause instanceof Error ? cause.message : String(cause)}`,
          { cause },
        );
      }
      log(`migrate: applied ${f.file} (${(performance.now() - started).toFixed(0)} ms)`);
      result.applied.push(f.version);
    }
    return result;
  } finally {
    await sql`select pg_advisory_unlock(hashtext('chenu:migrate'))`;
  }
}

/** The seed files: `seed.sql`, then `seed.d/*.sql` in name order. */
export async function seedFiles(supabaseDir: string): Promise<string[]> {
  const files = [path.join(supabaseDir, 'seed.sql')].filter((f) => existsSync(f));
  const extra = path.join(supabaseDir, 'seed.d');
  if (existsSync(extra)) {
    for (const n of (await readdir(extra)).filter((n) => n.endsWith('.sql')).sort()) {
      files.push(path.join(extra, n));
    }
  }
  return files;
}

/** Loads the seed in one transaction. */
export async function seed(
  sql: Sql,
  supabaseDir: string,
  log: (l: string) => void = () => {},
): Promise<void> {
  const files = await sql.begin((tx) => loadSeed(tx, supabaseDir));
  log(`seed: loaded ${files.map((f) => path.basename(f)).join(', ')}`);
}

/**
 * Runs the seed files inside the caller's transaction (so a test can pin the seed's clock with
 * `set local chenu.clock` first, and roll it all back). Returns the files loaded.
 */
export async function loadSeed(tx: TransactionSql, supabaseDir: string): Promise<string[]> {
  const files = await seedFiles(supabaseDir);
  for (const f of files) {
    try {
      await tx.unsafe(await readFile(f, 'utf8'));
    } catch (cause) {
      throw new MigrationError(
        'failed',
        `seed ${path.basename(f)} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }
  return files;
}

/** True when the database holds no users yet (a fresh install that should get the seed). */
export async function isEmpty(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from public.users`;
  return row!.n === 0;
}

/**
 * Drops everything the migrations and the bootstrap created, so they can be applied again.
 * Refuses on a real Supabase project (an auth schema the bootstrap did not create).
 */
export async function dropAll(sql: Sql, log: (l: string) => void = () => {}): Promise<void> {
  const [row] = await sql<{ marker: string | null; present: boolean }[]>`
    select obj_description(n.oid, 'pg_namespace') as marker, true as present
    from pg_namespace n where n.nspname = 'auth'`;
  if (row && row.marker !== BOOTSTRAP_MARKER) {
    throw new MigrationError(
      'refused',
      "db:reset refuses to drop a database whose auth schema is Supabase's own; use " +
        "'supabase db reset --db-url <url>' for a Supabase project.",
    );
  }
  await sql.unsafe(`
    drop schema if exists public cascade;
    drop schema if exists private cascade;
    drop schema if exists supabase_migrations cascade;
    drop schema if exists auth cascade;
    drop schema if exists extensions cascade;
    create schema public;
    grant usage on schema public to public;`);
  log('reset: dropped schemas public, private, auth, extensions, supabase_migrations');
}
