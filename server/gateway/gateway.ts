/**
 * The local gateway on loopback, with Supabase's paths: `/functions/v1/<name>/…` proxied to the
 * Deno functions process, `/auth/v1/…` answered by local auth (after the `apikey` check Supabase's
 * API gateway does), `/health`. Every error it answers is JSON `{ error: { code, message, details } }`
 * with a code of shared/api's table: its own refusals, the HTTP parser's (a request line or headers
 * past Node's limit are a 431 `header_too_large`, a malformed request a 400), and any error of the
 * functions process that is not already JSON. Function bodies stream through: each route enforces
 * its own body limit (supabase/functions/_shared/edgeFunction.ts), as on a hosted project.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { API_ERRORS, type ApiErrorCode } from '../../shared/api/common.ts';
import type { Sql } from 'postgres';
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

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers':
    'authorization, apikey, x-client-info, x-api-key, content-type, idempotency-key, x-supabase-api-version, x-region',
  'access-control-expose-headers': 'idempotent-replayed, content-disposition',
};

function send(
  res: http.ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, { ...CORS, ...headers }).end();
    return;
  }
  res
    .writeHead(status, { ...CORS, ...headers, 'content-type': 'application/json' })
    .end(JSON.stringify(body));
}

function apiError(res: http.ServerResponse, status: number, code: ApiErrorCode, message: string): void {
  send(res, status, { error: { code, message } });
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
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
      'content-type: application/json\r\n' +
      'access-control-allow-origin: *\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Starts the gateway; resolves once it listens on 127.0.0.1:`port` (0 = any free port). */
export function startGateway(options: GatewayOptions): Promise<http.Server> {
  const startedAt = Date.now();
  const auth = (port: number) =>
    createLocalAuth({
      sql: options.sql,
      secret: options.jwtSecret,
      accessTokenTtl: options.accessTokenTtl,
      issuer: `http://127.0.0.1:${port}/auth/v1`,
      ...(options.mail ? { mail: options.mail } : {}),
    });
  let handleAuth: ReturnType<typeof createLocalAuth> | undefined;

  async function onAuth(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const apikey = req.headers.apikey;
    // a mailed link is opened by a browser, without the project key (Supabase's gateway lets /verify through too)
    const link = req.method === 'GET' && url.pathname === '/auth/v1/verify';
    if (!link && apikey !== options.keys.anonKey && apikey !== options.keys.serviceRoleKey) {
      send(res, 401, {
        message: 'Invalid API key',
        error: { code: 'unauthorized', message: 'Invalid API key' },
      });
      return;
    }
    const raw = await readBody(req, options.maxAuthBodyBytes ?? 64 * 1024);
    if (raw === undefined) return apiError(res, 413, 'payload_too_large', 'auth request body too large');
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      return apiError(res, 400, 'bad_request', 'malformed JSON body');
    }
    handleAuth ??= auth((server.address() as { port: number }).port);
    const reply = await handleAuth(
      req.method ?? 'GET',
      url.pathname.slice('/auth/v1'.length) || '/',
      url.searchParams,
      { authorization: req.headers.authorization },
      body,
      req.socket.remoteAddress,
    );
    send(res, reply.status, reply.body, reply.headers);
  }

  function onFunction(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const rest = url.pathname.slice('/functions/v1'.length);
    if (!/^\/[a-z0-9][a-z0-9_-]*(\/|$)/.test(rest)) {
      return apiError(res, 404, 'not_found', 'name a function: /functions/v1/<name>');
    }
    const base = options.functionsUrl();
    if (!base) return apiError(res, 503, 'unavailable', 'the functions are starting');
    const target = new URL(base);
    const headers = { ...req.headers, host: target.host };
    delete headers.connection;
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: rest + url.search,
        headers,
      },
      (up) => {
        const status = up.statusCode ?? 502;
        const json = /^application\/json\b/i.test(up.headers['content-type'] ?? '');
        if (status >= 400 && !json) {
          // an error of the functions process (or Deno's own) that is not the API's JSON shape
          up.resume();
          const code = codeOfStatus(status);
          return apiError(res, API_ERRORS[code], code, `the function answered ${status}`);
        }
        res.writeHead(status, { ...up.headers, ...CORS });
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) apiError(res, 502, 'bad_gateway', 'the functions process is not answering');
      else res.destroy();
    });
    // a client that goes away ends the function's request too (a running agent is then stopped)
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'OPTIONS') return send(res, 204);
    if (url.pathname.startsWith('/functions/v1')) return onFunction(req, res, url);
    const done = (p: Promise<void>) =>
      p.catch((error: unknown) => {
        console.error('gateway:', error);
        if (!res.headersSent) apiError(res, 500, 'internal', 'internal error');
      });
    if (url.pathname.startsWith('/auth/v1/')) return void done(onAuth(req, res, url));
    if (req.method === 'GET' && url.pathname === '/health') {
      return void done(
        readHealth(options.sql, startedAt).then((h) => send(res, h.status === 'ok' ? 200 : 503, h)),
      );
    }
    apiError(res, 404, 'not_found', `no route for ${req.method} ${url.pathname}`);
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
