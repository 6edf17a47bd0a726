import path from 'node:path';
import type { Sql } from 'postgres';
import type { Env } from '../env.ts';
import { connect } from './connect.ts';
import { startEmbeddedPostgres } from './embeddedPostgres.ts';

export interface OpenDatabase {
  url: string;
  sql: Sql;
  embedded: boolean;
  /** Closes the pool and, when embedded, stops Postgres. Idempotent. */
  close(): Promise<void>;
}

/** DATABASE_URL when set, otherwise the embedded Postgres in `<CHENU_DATA_DIR>/pg`. */
export async function openDatabase(env: Env, log: (line: string) => void): Promise<OpenDatabase> {
  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL;
    log(`database: using DATABASE_URL (${new URL(url).host})`);
    const sql = connect(url);
    return { url, sql, embedded: false, close: () => sql.end({ timeout: 5 }) };
  }
  const dataDir = path.join(env.CHENU_DATA_DIR, 'pg');
  log(`database: starting embedded PostgreSQL on 127.0.0.1:${env.CHENU_PG_PORT} (data in ${dataDir})`);
  // detached: Ctrl-C reaches this process only, which stops Postgres last (rooms flush first)
  const db = await startEmbeddedPostgres({ dataDir, port: env.CHENU_PG_PORT, log, detached: true });
  const sql = connect(db.url);
  let closed = false;
  return {
    url: db.url,
    sql,
    embedded: true,
    async close() {
      if (closed) return;
      closed = true;
      await sql.end({ timeout: 5 });
      await db.stop();
    },
  };
}
