import type { Sql } from 'postgres';

export interface Health {
  status: 'ok' | 'degraded';
  database: { ok: boolean; migrations: number; tables: number; error?: string };
  uptimeSeconds: number;
}

/** What /health reports: whether Postgres answers, and how much of the schema is there. */
export async function readHealth(sql: Sql, startedAt: number): Promise<Health> {
  const uptimeSeconds = Math.round((Date.now() - startedAt) / 1000);
  try {
    const [row] = await sql<{ migrations: number; tables: number }[]>`
      select (select count(*)::int from supabase_migrations.schema_migrations) as migrations,
             (select count(*)::int from pg_tables where schemaname = 'public') as tables`;
    return { status: 'ok', database: { ok: true, ...row! }, uptimeSeconds };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 'degraded',
      database: { ok: false, migrations: 0, tables: 0, error: message },
      uptimeSeconds,
    };
  }
}
