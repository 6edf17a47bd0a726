/**
 * `npm run db:compare -- <git-ref> [<git-ref>]`: migrates two throwaway databases, one with the
 * migrations (and bootstrap) at the first ref and one with those at the second ref (default: the
 * working tree), and prints every difference between their catalogs (server/db/compareSchemas.ts).
 * Each pair is built twice: as `npm start` builds it (plain Postgres) and as a hosted Supabase
 * project would (default privileges granting the API roles everything new in `public`), so a
 * grant a chain leaves to the platform's defaults shows up. Exits 1 when they differ.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../db/connect.ts';
import { freePort, startEmbeddedPostgres } from '../db/embeddedPostgres.ts';
import { diffSnapshots, formatDiff, isSameCatalog, snapshotCatalog } from '../db/compareSchemas.ts';
import { migrate } from '../db/migrate.ts';

/** The same server, another database. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

const USAGE = 'usage: npm run db:compare -- <git-ref> [<git-ref>]   (second side: the working tree)';

/** Writes supabase/migrations and supabase/bootstrap as they are at `ref` under `dir`. */
async function checkout(ref: string, dir: string): Promise<void> {
  const list = (folder: string) =>
    execFileSync('git', ['ls-tree', '-r', '--name-only', ref, `supabase/${folder}/`], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f.endsWith('.sql'));
  for (const folder of ['migrations', 'bootstrap']) {
    await mkdir(path.join(dir, folder), { recursive: true });
    for (const file of list(folder)) {
      const text = execFileSync('git', ['show', `${ref}:${file}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
      await writeFile(path.join(dir, folder, path.basename(file)), text);
    }
  }
}

/** What a hosted project's platform sets before any migration runs (Supabase's default grants). */
const HOSTED_DEFAULTS = `
  do $$ begin
    if not exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
      create role supabase_auth_admin nologin noinherit;
    end if;
  end $$;
  alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
  alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
  alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;`;

async function main(): Promise<void> {
  const [before, after] = process.argv.slice(2);
  if (!before || before.startsWith('-')) {
    console.error(USAGE);
    process.exit(2);
  }
  const verify = (ref: string) => {
    try {
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { stdio: 'ignore' });
    } catch {
      console.error(`db:compare: '${ref}' is not a commit git knows. ${USAGE}`);
      process.exit(2);
    }
  };
  verify(before);
  if (after) verify(after);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'chenu-compare-'));
  await chmod(tmp, 0o755);
  const sides = [
    { label: before, dir: path.join(tmp, 'a') },
    { label: after ?? 'working tree', dir: after ? path.join(tmp, 'b') : path.resolve('supabase') },
  ];
  await checkout(before, sides[0]!.dir);
  if (after) await checkout(after, sides[1]!.dir);
  const db = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: await freePort() });
  let differ = false;
  try {
    for (const hosted of [false, true]) {
      const snapshots = [];
      for (const [i, side] of sides.entries()) {
        const name = `compare_${hosted ? 'hosted' : 'plain'}_${i}`;
        const admin = connect(db.url, { max: 1 });
        await admin.unsafe(`create database ${name}`);
        await admin.end();
        const sql = connect(withDatabase(db.url, name), { max: 1 });
        try {
          if (hosted) {
            await sql.unsafe(await readFile(path.join(side.dir, 'bootstrap', 'supabase_compat.sql'), 'utf8'));
            await sql.unsafe(HOSTED_DEFAULTS);
          }
          const result = await migrate(sql, side.dir);
          console.log(
            `db:compare: ${side.label} (${hosted ? 'hosted' : 'plain'}): ${result.applied.length} migrations`,
          );
          snapshots.push(await snapshotCatalog(sql));
        } finally {
          await sql.end();
        }
      }
      const diff = diffSnapshots(snapshots[0]!, snapshots[1]!);
      const mode = hosted ? 'hosted-shaped' : 'plain';
      if (isSameCatalog(diff)) {
        console.log(`db:compare: ${mode}: the same catalog (${snapshots[0]!.size} objects and row sets)`);
      } else {
        differ = true;
        console.log(
          `db:compare: ${mode}: ${diff.removed.length} only in ${sides[0]!.label}, ` +
            `${diff.added.length} only in ${sides[1]!.label}, ${diff.changed.length} different`,
        );
        for (const line of formatDiff(diff)) console.log(line);
      }
    }
  } finally {
    await db.stop();
    await rm(tmp, { recursive: true, force: true });
  }
  process.exit(differ ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`db:compare: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
