/**
 * The functions' one postgres.js pool and the foundation's data access on it: user requests run
 * through `withUser(claims, …)` so RLS decides, system work (API-key lookup, idempotency records)
 * through `withService`.
 */
import postgres from 'postgres';
import { createDataAccess, type DataAccess } from './dataAccess.ts';
import { config } from './config.ts';

let pool: { sql: postgres.Sql; data: DataAccess } | undefined;

/** The pool, opened on first use. */
export function database(): { sql: postgres.Sql; data: DataAccess } {
  if (!pool) {
    const sql = postgres(config().SUPABASE_DB_URL, {
      max: config().CHENU_FUNCTIONS_DB_POOL,
      onnotice: () => {},
      connection: { application_name: 'chenu-functions' },
    });
    pool = { sql, data: createDataAccess(sql) };
  }
  return pool;
}
