import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Sql } from 'postgres';
import { connect } from '../../server/db/connect.ts';
import { createDataAccess, type DataAccess } from '../../server/db/dataAccess.ts';
import { migrate, seed } from '../../server/db/migrate.ts';

/**
 * The pipeline commits (it opens its own transactions), so its scenario files cannot share the
 * run's rolled-back database: each file gets a fresh database on the run's cluster, migrated and
 * seeded, dropped afterwards. Seeded randomness: the name comes from the file's own counter.
 */
export function useIsolatedDatabase(
  name: string,
  max = 6,
): { sql: () => Sql; data: () => DataAccess; url: () => string } {
  const admin = connect(inject('databaseUrl'), { max: 1 });
  const dbName = `pipeline_${name}_${process.pid}`;
  let sql: Sql | undefined;
  let url = '';
  beforeAll(async () => {
    await admin.unsafe(`drop database if exists ${dbName}`);
    await admin.unsafe(`create database ${dbName}`);
    const u = new URL(inject('databaseUrl'));
    u.pathname = `/${dbName}`;
    url = u.toString();
    const setup = connect(url, { max: 1 });
    try {
      await migrate(setup, path.resolve('supabase'));
      await seed(setup, path.resolve('supabase'));
    } finally {
      await setup.end();
    }
    sql = connect(url, { max });
  });
  afterAll(async () => {
    await sql?.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end({ timeout: 5 });
  });
  return { sql: () => sql!, data: () => createDataAccess(sql!), url: () => url };
}
