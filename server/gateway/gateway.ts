/**
 * The local gateway on loopback, with Supabase's paths: `/functions/v1/<name>/…` proxied to the
 * Deno functions process, `/auth/v1/…` answered by local auth (after the `apikey` check Supabase's
 * API gateway does), `/health`. Every error it answers is JSON `{ error: { code, message, details } }`
 * with a code of shared/api's table: its own refusals, the HTTP parser's (a request line or headers
 * past Node's limit are a 431 `header_too_large`, a malformed request a 400), and any error of the
 * functions process that is not already JSON. Function bodies stream through: each route enforces
 * its own body limit (supabase/functions/_shared/edgeFunction.ts), as on a hosted project.
 */
import http, { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
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
const CORS_OPTIONS = {
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
};
const CORS = cors(CORS_OPTIONS);
/** The CORS headers of an answer to an actual (not preflight) request, as `CORS` sets them. */
const CORS_ANSWER_HEADERS = {
  'access-control-allow-origin': CORS_OPTIONS.origin,
  'access-control-expose-headers': CORS_OPTIONS.exposeHeaders.join(','),
};

type Env = { Bindings: HttpBindings };

/**
 * An answer of the gateway's own: JSON (or no body) with the CORS headers, its headers a plain
 * object. @hono/node-server writes such a Response straight to Node's; Hono's `c.json` would build a
 * web `Headers` for it (validated name by name) on the loop the rooms share.
 */
function answer(status: number, body: unknown, headers?: Record<string, string>): Response {
  if (body === undefined)
    return new Response(null, { status, headers: { ...CORS_ANSWER_HEADERS, ...headers } });
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS_ANSWER_HEADERS, 'content-type': 'application/json', ...headers },
  });
}

function apiError(status: number, code: ApiErrorCode, message: string): Response {
  return answer(status, { error: { code, message } });
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

/** Kept-alive connections to the functions process, reused across requests. */
const functionsAgent = new http.Agent({ keepAlive: true });

/** A JSON API error with the CORS headers, written straight to Node's response. */
function sendError(res: http.ServerResponse, status: number, code: ApiErrorCode, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    ...CORS_ANSWER_HEADERS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** `/functions/v1/<name>…` with a well-formed name: what the gateway forwards (else a 404). */
const FUNCTION_PATH = /^\/functions\/v1\/[a-z0-9][a-z0-9_-]*(\/|$)/;

/**
 * Streams a request to the functions process and its answer back with Node's own streams. This is
 * the gateway's hot path, so it runs before Hono: no fetch, no web streams, no Request object (on
 * loopback they cost more than a bare function does: bench:api's bare route). The function's own
 * errors that are not JSON, or no answer at all, become the API's JSON errors. A client that goes
 * away ends the function's request too, so a running agent is stopped.
 */
function forwardToFunctions(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  functions: URL,
): void {
  const headers: http.OutgoingHttpHeaders = {
    ...req.headers,
    host: functions.host,
    // loopback: nothing gained by the functions compressing what the gateway would inflate
    'accept-encoding': 'identity',
  };
  delete headers.connection;
  delete headers['keep-alive'];
  const upstream = http.request(
    {
      agent: functionsAgent,
      host: functions.hostname,
      port: functions.port,
      method: req.method,
      path,
      headers,
    },
    (up) => {
      const status = up.statusCode ?? 502;
      if (status >= 400 && !/^application\/json\b/i.test(up.headers['content-type'] ?? '')) {
        // an error of the functions process (or Deno's own) that is not the API's JSON shape
        up.resume();
        const code = codeOfStatus(status);
        sendError(res, API_ERRORS[code], code, `the function answered ${status}`);
        return;
      }
      const head: http.OutgoingHttpHeaders = { ...up.headers, ...CORS_ANSWER_HEADERS };
      // answered before the whole body arrived (a function's body limit): the rest cannot be
      // skipped on a kept-alive connection, so this answer closes it and the client opens a new one
      if (!req.complete) head.connection = 'close';
      res.writeHead(status, head);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) {
      sendError(res, 502, 'bad_gateway', 'the functions process is not answering');
    } else res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/**
 * Hono's `bodyLimit`, without its cost on a request that states its length. Hono's middleware reads
 * `c.req.raw.body` first, which makes @hono/node-server build a whole web `Request` and stream around
 * Node's request (about a third of a small auth request's CPU on the loop the rooms share); then
 * `c.req.text()` reads through that stream. Node's parser holds a request's body to its
 * `content-length`, and a request with neither that nor a `transfer-encoding` has no body (RFC 9112
 * 6.3), so comparing the header is the same check, and `c.req.text()` then reads Node's request
 * directly. A chunked body still goes through Hono's middleware, which counts what arrives and stops
 * at the limit.
 */
function limitBody(maxSize: number, onError: (c: Context<Env>) => Response): MiddlewareHandler<Env> {
  const counted = bodyLimit({ maxSize, onError });
  return (c, next) => {
    const { headers } = c.env.incoming;
    if (headers['transfer-encoding'] !== undefined) return counted(c, next);
    const length = headers['content-length'];
    return length !== undefined && Number(length) > maxSize ? Promise.resolve(onError(c)) : next();
  };
}

/**
 * The gateway's routes, as a Hono app on Node (`@hono/node-server`): local auth under `/auth/v1`
 * (after the project key check), `/health`, and the refusals under `/functions/v1` (a malformed
 * function name, the functions still starting; everything else there is forwarded before Hono by
 * `forwardToFunctions`); CORS on every answer, JSON errors everywhere. `authFor` makes local auth once the port is known.
 */
function createGatewayApp(
  options: GatewayOptions,
  authFor: () => ReturnType<typeof createLocalAuth>,
): Hono<Env> {
  const startedAt = Date.now();
  const app = new Hono<Env>();
  // Preflights are hono/cors's. Every actual answer is built by `answer`, with the CORS headers:
  // hono/cors would set them on `c.res` before the route runs, and Hono then copies a route's answer
  // (`new Response(res.body, res)`), which turns its string body into a web stream that the Node
  // adapter reads back chunk by chunk (bench:auth's profile of a sign-in).
  app.use((c, next) => (c.req.method === 'OPTIONS' ? CORS(c, next) : next()));
  app.use(async (c, next) => {
    await next();
    // answered before the whole body arrived (a 413, a refusal before reading): the rest cannot be
    // skipped on a kept-alive connection, so this answer closes it and the client opens a new one
    if (!c.env.incoming.complete) c.res.headers.set('connection', 'close');
  });

  // a well-formed function request with the functions up never reaches Hono (forwardToFunctions)
  const onFunction = (c: Context<Env>): Response => {
    if (!FUNCTION_PATH.test(c.req.path)) {
      return apiError(404, 'not_found', 'name a function: /functions/v1/<name>');
    }
    return apiError(503, 'unavailable', 'the functions are starting');
  };
  app.all('/functions/v1', onFunction);
  app.all('/functions/v1/*', onFunction);

  app.all(
    '/auth/v1/*',
    async (c, next) => {
      // Node's parsed headers: `c.req.header` would build a web Headers from them for this one read
      const apikey = c.env.incoming.headers.apikey;
      // a mailed link is opened by a browser, without the project key (Supabase's gateway lets /verify through too)
      const link = c.req.method === 'GET' && c.req.path === '/auth/v1/verify';
      if (!link && apikey !== options.keys.anonKey && apikey !== options.keys.serviceRoleKey) {
        return answer(401, {
          message: 'Invalid API key',
          error: { code: 'unauthorized', message: 'Invalid API key' },
        });
      }
      await next();
    },
    limitBody(options.maxAuthBodyBytes ?? 64 * 1024, () =>
      apiError(413, 'payload_too_large', 'auth request body too large'),
    ),
    async (c) => {
      const text = await c.req.text();
      let body: unknown;
      try {
        body = text.length ? JSON.parse(text) : undefined;
      } catch {
        return apiError(400, 'bad_request', 'malformed JSON body');
      }
      const url = new URL(c.req.url);
      const reply = await authFor()(
        c.req.method,
        url.pathname.slice('/auth/v1'.length) || '/',
        url.searchParams,
        { authorization: c.env.incoming.headers.authorization },
        body,
        c.env.incoming.socket.remoteAddress,
      );
      return answer(reply.status, reply.body, reply.headers);
    },
  );

  app.get('/health', async () => {
    const health = await readHealth(options.sql, startedAt);
    return answer(health.status === 'ok' ? 200 : 503, health);
  });
  app.notFound((c) => apiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error) => {
    console.error('gateway:', error);
    return apiError(500, 'internal', 'internal error');
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
  // @hono/node-server's default: its lighter Request and Response become the globals (subclass-
  // compatible: `instanceof` holds both ways, the statics are the platform's). With the platform's
  // Response, every answer was read back through a web stream, with a timer hop when the first read
  // was not ready; on the loop the rooms share, that batched answers into longer stalls (bench:auth's
  // loop-delay p99, A/B against the pre-Hono gateway, came down with this). Nothing in this process
  // subclasses Response; fetch's own responses are untouched.
  const honoListener = getRequestListener(app.fetch);
  const server = http.createServer((req, res) => {
    const base = options.functionsUrl();
    if (base && req.method !== 'OPTIONS') {
      // the path as URL parsing normalises it (dot segments), as the functions process reads it;
      // only the path: an absolute-form request target never chooses where the gateway connects
      const url = new URL(req.url ?? '/', 'http://gateway');
      if (FUNCTION_PATH.test(url.pathname)) {
        const path = url.pathname.slice('/functions/v1'.length) + url.search;
        forwardToFunctions(req, res, path, new URL(base));
        return;
      }
    }
    void honoListener(req, res);
  });
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
