import http from 'node:http';
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

/**
 * The local HTTP entry point on loopback: `/health` for now. Unknown paths get a JSON 404 in the
 * API's error shape.
 */
export function startHealthServer(sql: Sql, port: number): Promise<http.Server> {
  const startedAt = Date.now();
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/health') {
      readHealth(sql, startedAt).then(
        (health) => send(health.status === 'ok' ? 200 : 503, health),
        () => send(503, { error: { code: 'health_failed', message: 'health check failed' } }),
      );
      return;
    }
    send(404, { error: { code: 'not_found', message: `no route for ${req.method} ${req.url}` } });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`CHE·NU: port ${port} is already in use; set CHENU_HTTP_PORT=<port>.`)
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
