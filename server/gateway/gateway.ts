/**
 * The local gateway on loopback, with Supabase's paths: `/functions/v1/<name>/…` proxied to the
 * Deno functions process, `/auth/v1/…` answered by local auth (after the `apikey` check Supabase's
 * API gateway does), `/health`. Every error it answers is JSON `{ error: { code, message, details } }`
 * with a code of shared/api's table: its own refusals, the HTTP parser's (a request line or headers
 * past Node's limit are a 431 `header_too_large`, a malformed request a 400), and any error of the
 * functions process that is not already JSON. Function bodies stream through: each route enforces
 * its own body limit (supabase/functions/_shared/edgeFunction.ts), as on a hosted project.
 */
import type http from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { proxy } from 'hono/proxy';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type { Sql } from 'postgres';
import { API_ERRORS, type ApiErrorCode } from '../../shared/api/errors.ts';
import { readHealth } from '../http/readHealth.ts';
import type { AuthMailOptions } from './authMail.ts';
import type { ProjectKeys } from './jwt.ts';
import { createLocalAuth } from './localAuth.ts';

export interface GatewayOptions {
  sql: Sql;
  port: number;
  /** Base URL of the Deno functions process; undefined while it starts (answers 503). */
  functionsUrl: () => string | undefined;
  jwtSecret: string;
  accessTokenTtl: number;
  keys: ProjectKeys;
  /** Largest /auth/v1 body accepted (function bodies stream through unlimited here). */
  maxAuthBodyBytes?: number;
  /** Local auth's mailed links (confirmation, magic link, reset); none without it. */
  mail?: AuthMailOptions;
}

/** What browsers may send and read, as Supabase's API gateway allows supabase-js. */
const CORS = cors({
  origin: '*',
  allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  allowHeaders: [
    'authorization',
    'apikey',
    'x-client-info',
    'x-api-key',
    'content-type',
    'idempotency-key',
    'x-supabase-api-version',
    'x-region',
  ],
  exposeHeaders: ['idempotent-replayed', 'content-disposition'],
});

type Env = { Bindings: HttpBindings };

function apiError(c: Context, status: number, code: ApiErrorCode, message: string): Response {
  return c.json({ error: { code, message } }, status as ContentfulStatusCode);
}

/** The API code of an HTTP error status the functions process answered without a JSON error. */
function codeOfStatus(status: number): ApiErrorCode {
  const known: Partial<Record<number, ApiErrorCode>> = {
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not_found',
    405: 'method_not_allowed',
    413: 'payload_too_large',
    415: 'unsupported_media_type',
    431: 'header_too_large',
    502: 'bad_gateway',
    503: 'unavailable',
    504: 'timeout',
  };
  return known[status] ?? (status >= 500 ? 'internal' : 'bad_request');
}

/**
 * Answers a request Node's HTTP parser refused (too long a request line or too many header bytes,
 * malformed syntax) with the JSON error shape, on the raw socket: no response object exists yet.
 */
function onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || (error as { code?: string }).code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const [status, code, message] = tooLarge
    ? ([
        431,
        'header_too_large',
        'the request line and headers are larger than this gateway accepts',
      ] as const)
    : ([400, 'bad_request', 'malformed HTTP request'] as const);
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'content-type: application/json\r\n' +
      'access-control-allow-origin: *\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}

/**
 * The function's answer as the client reads it. When the client goes away, its request's signal
 * aborts the function's request (proxy passes it on) and the answer's stream fails: nobody reads it
 * any more, so it ends instead of failing (the Node adapter would log every such stream as an error).
 */
function endQuietlyOnAbort(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        if (signal.aborted) controller.close();
        else controller.error(error);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * The gateway's routes, as a Hono app on Node (`@hono/node-server`): local auth under `/auth/v1`
 * (after the project key check), the functions process under `/functions/v1` (streamed both ways;
 * a client that goes away aborts the function's request, so a running agent is stopped), `/health`;
 * CORS on every answer, JSON errors everywhere. `authFor` makes local auth once the port is known.
 */
function createGatewayApp(
  options: GatewayOptions,
  authFor: () => ReturnType<typeof createLocalAuth>,
): Hono<Env> {
  const startedAt = Date.now();
  const app = new Hono<Env>();
  app.use(CORS);
  app.use(async (c, next) => {
    await next();
    // answered before the whole body arrived (a 413, a refusal before reading): the rest cannot be
    // skipped on a kept-alive connection, so this answer closes it and the client opens a new one
    if (!c.env.incoming.complete) c.res.headers.set('connection', 'close');
  });

  const onFunction = async (c: Context<Env>): Promise<Response> => {
    const url = new URL(c.req.url);
    const rest = url.pathname.slice('/functions/v1'.length);
    if (!/^\/[a-z0-9][a-z0-9_-]*(\/|$)/.test(rest)) {
      return apiError(c, 404, 'not_found', 'name a function: /functions/v1/<name>');
    }
    const base = options.functionsUrl();
    if (!base) return apiError(c, 503, 'unavailable', 'the functions are starting');
    const target = new URL(rest + url.search, base);
    let up: Response;
    try {
      up = await proxy(target, {
        raw: c.req.raw,
        customFetch: (req) => {
          req.headers.set('host', target.host);
          // loopback: nothing gained by the functions compressing what the gateway would inflate
          req.headers.set('accept-encoding', 'identity');
          return fetch(req);
        },
      });
    } catch {
      return apiError(c, 502, 'bad_gateway', 'the functions process is not answering');
    }
    if (up.status >= 400 && !/^application\/json\b/i.test(up.headers.get('content-type') ?? '')) {
      // an error of the functions process (or Deno's own) that is not the API's JSON shape
      await up.body?.cancel();
      const code = codeOfStatus(up.status);
      return apiError(c, API_ERRORS[code], code, `the function answered ${up.status}`);
    }
    if (!up.body) return up;
    return new Response(endQuietlyOnAbort(up.body, c.req.raw.signal), up);
  };
  app.all('/functions/v1', onFunction);
  app.all('/functions/v1/*', onFunction);

  app.all(
    '/auth/v1/*',
    async (c, next) => {
      const apikey = c.req.header('apikey');
      // a mailed link is opened by a browser, without the project key (Supabase's gateway lets /verify through too)
      const link = c.req.method === 'GET' && c.req.path === '/auth/v1/verify';
      if (!link && apikey !== options.keys.anonKey && apikey !== options.keys.serviceRoleKey) {
        return c.json(
          { message: 'Invalid API key', error: { code: 'unauthorized', message: 'Invalid API key' } },
          401,
        );
      }
      await next();
    },
    bodyLimit({
      maxSize: options.maxAuthBodyBytes ?? 64 * 1024,
      onError: (c) => apiError(c, 413, 'payload_too_large', 'auth request body too large'),
    }),
    async (c) => {
      const text = await c.req.text();
      let body: unknown;
      try {
        body = text.length ? JSON.parse(text) : undefined;
      } catch {
        return apiError(c, 400, 'bad_request', 'malformed JSON body');
      }
      const url = new URL(c.req.url);
      const reply = await authFor()(
        c.req.method,
        url.pathname.slice('/auth/v1'.length) || '/',
        url.searchParams,
        { authorization: c.req.header('authorization') },
        body,
        c.env.incoming.socket.remoteAddress,
      );
      if (reply.body === undefined) return c.body(null, reply.status as StatusCode, reply.headers);
      return c.json(reply.body, reply.status as ContentfulStatusCode, reply.headers);
    },
  );

  app.get('/health', async (c) => {
    const health = await readHealth(options.sql, startedAt);
    return c.json(health, health.status === 'ok' ? 200 : 503);
  });
  app.notFound((c) => apiError(c, 404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    console.error('gateway:', error);
    return apiError(c, 500, 'internal', 'internal error');
  });
  return app;
}

/** Starts the gateway; resolves once it listens on 127.0.0.1:`port` (0 = any free port). */
export function startGateway(options: GatewayOptions): Promise<http.Server> {
  let handleAuth: ReturnType<typeof createLocalAuth> | undefined;
  const authFor = () =>
    (handleAuth ??= createLocalAuth({
      sql: options.sql,
      secret: options.jwtSecret,
      accessTokenTtl: options.accessTokenTtl,
      issuer: `http://127.0.0.1:${(server.address() as { port: number }).port}/auth/v1`,
      ...(options.mail ? { mail: options.mail } : {}),
    }));
  const app = createGatewayApp(options, authFor);
  // the globals stay the platform's: this process also runs the rooms, the workers and their fetches
  const server = createAdaptorServer({ fetch: app.fetch, overrideGlobalObjects: false }) as http.Server;
  server.keepAliveTimeout = 5000;
  server.on('clientError', onClientError);
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`CHE·NU: port ${options.port} is already in use; set CHENU_HTTP_PORT=<port>.`)
          : error,
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve(server));
  });
}
