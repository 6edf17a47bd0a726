import type { Sql } from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { connect } from '../../server/db/connect.ts';
import { createDataAccess, type DataAccess } from '../../supabase/functions/_shared/dataAccess.ts';
import { withDatabase } from './databaseUrl.ts';

let counter = 0;

/**
 * A database of this file's own, copied from the run's migrated + seeded template, for scenario
 * files that COMMIT (the API, the pipeline, realtime persistence, ledger concurrency): the shared
 * database then only ever sees rolled-back scenarios, so its counts never move under another file.
 * Created in beforeAll, dropped in afterAll.
 */
export function useIsolatedDatabase(
  name: string,
  max = 6,
): { sql: () => Sql; data: () => DataAccess; url: () => string } {
  // admin work from the shared database, never template1: `create database` elsewhere copies template1 and
  // refuses while anyone is connected to it
  const admin = connect(inject('databaseUrl'), { max: 1 });
  const dbName = `iso_${name.replace(/\W/g, '_')}_${process.pid}_${counter++}`;
  const url = withDatabase(inject('databaseUrl'), dbName);
  // postgres.js connects lazily: the pool exists now, its first query runs after beforeAll made the database
  const sql: Sql = connect(url, { max });
  beforeAll(async () => {
    await admin.unsafe(`drop database if exists ${dbName}`);
    await admin.unsafe(`create database ${dbName} template ${inject('templateDatabase')}`);
  });
  afterAll(async () => {
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end({ timeout: 5 });
  });
  return { sql: () => sql, data: () => createDataAccess(sql), url: () => url };
}
