/**
 * Local router: serves every edge function from ONE Deno process behind the gateway (Supabase's
 * edge runtime has its own main service; this is the local stand-in). Each request goes to the
 * function named by the first path segment, exactly as `/functions/v1/<name>/…` reaches it on
 * Supabase. `/bench-bare` is a bare Hono route for the API benchmark's baseline.
 */
import { Hono } from 'hono';
import docs from '../docs/app.ts';
import { API_FUNCTIONS } from '../_shared/apiFunctions.ts';
import { config } from '../_shared/config.ts';

// a bad or unsafe configuration stops the process here, with its one-line reason, before it serves
try {
  config();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  Deno.exit(1);
}

const byName = new Map([...API_FUNCTIONS, docs].map((f) => [f.name, f]));
const bench = new Hono().get('/bench-bare', (c) => c.json({ data: [], next_cursor: null }));

function route(request: Request): Response | Promise<Response> {
  const path = new URL(request.url).pathname;
  const name = path.split('/')[1] ?? '';
  const fn = byName.get(name);
  if (fn) return fn.fetch(request);
  if (name === 'bench-bare') return bench.fetch(request);
  return Response.json(
    { error: { code: 'not_found', message: `no function named "${name}"` } },
    { status: 404 },
  );
}

const port = Number(Deno.env.get('CHENU_FUNCTIONS_PORT') ?? '0');
const server = Deno.serve(
  {
    hostname: '127.0.0.1',
    port,
    onListen: ({ port }) => console.log(`CHENU_FUNCTIONS_LISTENING ${port}`),
  },
  route,
);

Deno.addSignalListener('SIGTERM', () => {
  void server.shutdown().then(() => Deno.exit(0));
});
