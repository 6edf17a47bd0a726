import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { connect } from '../../server/db/connect.ts';
import { freePort, startEmbeddedPostgres } from '../../server/db/embeddedPostgres.ts';
import { migrate, seed } from '../../server/db/migrate.ts';
import { ensureSystemAccounts } from '../../server/ledger/systemAccounts.ts';
import { withDatabase } from './databaseUrl.ts';
import { watchDeadlocks } from './deadlockWatch.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** A migrated + seeded database nobody connects to, copied by `useIsolatedDatabase`. */
    templateDatabase: string;
    /** The instant the seed was loaded (ISO 8601): see `seedClock()`. */
    seedClock: string;
  }
}

const TEMPLATE = 'chenu_template';

/**
 * One throwaway embedded Postgres per test run (not per file), on a free port, with every
 * migration and the seed applied, plus a template copy of it for files that commit. Test files read its URL with `inject('databaseUrl')`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // under /tmp: as root, Postgres runs as the `postgres` user, which must reach the data dir
  const dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-test-'));
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({
    dataDir: path.join(dir, 'pg'),
    port: await freePort(),
    persistent: false,
  });
  const sql = connect(db.url, { max: 1 });
  try {
    await migrate(sql, path.resolve('supabase'));
    await seed(sql, path.resolve('supabase'));
    // the system account shards `npm start` creates: with the migrations' single shard per kind, two
    // test transactions each holding one kind's shard and asking for the other's deadlock
    await ensureSystemAccounts(sql);
    const [seeded] = await sql<{ at: string }[]>`select payload->>'loaded_at' as at from public.audit_log
                                                  where action = 'seed.loaded' limit 1`;
    project.provide('seedClock', new Date(seeded!.at).toISOString());
  } finally {
    await sql.end();
  }
  // the template is copied from the shared database before any test connects to it
  const admin = connect(withDatabase(db.url, 'template1'), { max: 1 });
  try {
    await admin.unsafe(`create database ${TEMPLATE} template postgres`);
  } finally {
    await admin.end();
  }
  project.provide('databaseUrl', db.url);
  project.provide('templateDatabase', TEMPLATE);
  // under faketime (the clock-shift run) Postgres detects no deadlock: watch for them from here
  const watch = process.env.FAKETIME ? connect(db.url, { max: 1 }) : null;
  const stopWatch = watch ? watchDeadlocks(watch) : () => {};
  return async () => {
    stopWatch();
    await watch?.end();
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
