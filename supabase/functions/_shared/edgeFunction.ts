/**
 * One edge function: a Hono app under `/<name>` (the path Supabase hands a function) whose routes
 * are declared with zod schemas. The same declarations validate requests (400 with field details)
 * and responses (a response that does not match is a 500, and extra columns are stripped), and
 * feed the OpenAPI 3.1 document. Authentication, API-key scopes, the Idempotency-Key contract,
 * body limits (413) and the rules every value obeys (no NUL, no lone surrogate, JSON at most 32
 * levels deep: 400 naming the field) are applied here, in this order, before any handler runs,
 * so handlers only hold the resource logic and a refused request has written nothing.
 */
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import type { DataAccess } from './dataAccess.ts';
import { DEFAULT_MAX_BODY_BYTES, IdempotencyKey, IDEMPOTENCY_KEY_MAX } from '../../../shared/api/common.ts';
import type { ApiErrorCode } from '../../../shared/api/errors.ts';
import { inputIssues } from '../../../shared/api/inputRules.ts';
import { identifyCaller, permits, type Caller } from './auth.ts';
import { database } from './db.ts';
import { ApiError, errorResponse, fieldIssues, handleError } from './errors.ts';
import { withIdempotency } from './idempotency.ts';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** Who may call a route: any caller (JWT or API key), a signed-in user only, or anyone. */
export type Access = 'caller' | 'user' | 'public';

export interface RouteSpec {
  method: Method;
  /** Path under the function, OpenAPI style (`/{id}/messages`); '' is the function's root. */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** JSON body schema. */
  body?: z.ZodType;
  /** Raw (binary) body instead of JSON: the media types documented. */
  rawBody?: string[];
  response: { status: 200 | 201 | 204; schema?: z.ZodType; contentType?: string; description?: string };
  /** Other success answers the handler returns itself as a Response (e.g. 202 for a run held for review). */
  alsoResponses?: { status: 202; schema: z.ZodType; description: string }[];
  access?: Access;
  /**
   * `handler`: the handler owns Idempotency-Key (required; e.g. the governed pipeline keeps its
   * own record), so the generic replay store is skipped. Default: the generic store (optional key).
   */
  idempotency?: 'generic' | 'handler';
  /** Scope an API key needs; by default `read` for GET, `write` otherwise. */
  action?: 'read' | 'write';
  /**
   * Largest body accepted, in bytes (default DEFAULT_MAX_BODY_BYTES; a function when configured);
   * documented as `x-max-bytes` of the request body. A raw-body route reads its body with readCapped.
   */
  maxBodyBytes?: number | (() => number);
  /** Error codes the handler answers beyond the ones every route may (documented per operation). */
  errors?: ApiErrorCode[];
}

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Undefined only on public routes called anonymously. */
  caller: Caller;
  db: DataAccess;
  c: Context;
}

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

/** An edge function under construction: declare routes, then serve `fetch`. */
export class EdgeFunction {
  readonly name: string;
  readonly hono: Hono;
  readonly routes: RouteSpec[] = [];

  constructor(name: string) {
    this.name = name;
    this.hono = new Hono().basePath(`/${name}`);
    this.hono.onError(handleError);
    this.hono.notFound((c) =>
      errorResponse(
        c,
        new ApiError('not_found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
      ),
    );
  }

  /** The handler Supabase's runtime (or Deno.serve) calls. */
  readonly fetch = (request: Request): Response | Promise<Response> => this.hono.fetch(request);

  /** Declares a route; the handler returns data matching `response.schema`, or a Response. */
  route<S extends RouteSpec>(
    spec: S,
    handler: (
      ctx: HandlerContext<Infer<S['params']>, Infer<S['query']>, Infer<S['body']>>,
    ) => Promise<unknown>,
  ): this {
    this.routes.push(spec);
    const honoPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    const group = this.name.replace(/-/g, '_');
    const action = spec.action ?? (spec.method === 'get' ? 'read' : 'write');
    this.hono.on(spec.method.toUpperCase(), honoPath || '/', async (c) => {
      const caller = await identifyCaller(c.req.raw.headers);
      if (!caller && spec.access !== 'public') {
        throw new ApiError('unauthorized', 'sign in, or send an API key');
      }
      if (caller?.apiKey) {
        if (spec.access === 'user') throw new ApiError('forbidden', 'API keys cannot call this route');
        if (!permits(caller.apiKey.permissions, group, action)) {
          throw new ApiError('forbidden', `the API key lacks the ${group}:${action} permission`);
        }
      }
      const key = idempotencyKey(c, spec);
      const params = parsePart(spec.params, c.req.param(), 'params');
      const query = parsePart(spec.query, Object.fromEntries(new URL(c.req.url).searchParams), 'query');
      const body = spec.body ? parsePart(spec.body, await readJson(c, bodyLimit(spec)), 'body') : undefined;
      const run = async () => {
        const result = await handler({
          params,
          query,
          body,
          caller: caller!,
          db: database().data,
          c,
        } as HandlerContext<Infer<S['params']>, Infer<S['query']>, Infer<S['body']>>);
        return respond(c, spec, result);
      };
      if (spec.idempotency !== 'handler' && key !== undefined && caller) {
        return withIdempotency(caller, key, `${c.req.method} ${new URL(c.req.url).pathname}`, body, run);
      }
      return run();
    });
    return this;
  }
}

/** The body limit of a route, in bytes. */
export function bodyLimit(spec: RouteSpec): number {
  const limit = spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return typeof limit === 'function' ? limit() : limit;
}

/**
 * The Idempotency-Key of a POST, checked against the one contract (IdempotencyKey): optional on
 * every POST, required where the handler names its run by it; ignored on other methods.
 */
function idempotencyKey(c: Context, spec: RouteSpec): string | undefined {
  if (spec.method !== 'post') return undefined;
  const key = c.req.header('idempotency-key');
  if (key === undefined && spec.idempotency !== 'handler') return undefined;
  const parsed = IdempotencyKey.safeParse(key);
  if (!parsed.success) {
    throw new ApiError(
      'validation_failed',
      key === undefined ? 'this route needs an Idempotency-Key header' : 'invalid Idempotency-Key header',
      [
        {
          path: 'headers.idempotency-key',
          message: `${key === undefined ? 'required: ' : ''}1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters`,
          code: key === undefined ? 'invalid_type' : 'invalid_format',
        },
      ],
    );
  }
  return parsed.data;
}

/**
 * Validates one part of the request: first the rules of every value (inputRules), then its zod
 * schema. A problem with a list cursor is a 400 `invalid_cursor`, any other a 400 `validation_failed`.
 */
function parsePart(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const rules = inputIssues(value, part);
  if (rules.length) throw new ApiError('validation_failed', `invalid request ${part}`, rules);
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error, part);
    if (part === 'query' && issues.some((i) => i.path === 'query.cursor')) {
      throw new ApiError(
        'invalid_cursor',
        'not a cursor this API returned: start from the first page',
        issues,
      );
    }
    throw new ApiError('validation_failed', `invalid request ${part}`, issues);
  }
  return parsed.data;
}

/**
 * The body as JSON: application/json only (415), at most `limit` bytes (413, refused on the declared
 * Content-Length before reading, else as soon as the stream passes it), valid UTF-8 and JSON (400).
 */
async function readJson(c: Context, limit: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError('unsupported_media_type', 'send the body as application/json');
  }
  const bytes = await readCapped(c.req.raw, limit);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError('bad_request', 'the body is not valid UTF-8');
  }
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError('bad_request', 'malformed JSON body');
  }
}

/** The bytes of a request body, refused with 413 `payload_too_large` past `limit`. */
export async function readCapped(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () =>
    new ApiError('payload_too_large', `this route accepts bodies of at most ${limit} bytes`);
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(new ArrayBuffer(size));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

function respond(c: Context, spec: RouteSpec, result: unknown): Response {
  if (result instanceof Response) return result;
  if (spec.response.status === 204) return c.body(null, 204);
  if (!spec.response.schema) return c.json(result as object, spec.response.status);
  const parsed = spec.response.schema.safeParse(result);
  if (!parsed.success) {
    console.error(`[${spec.method} ${spec.path}] response does not match its schema`, parsed.error.issues);
    throw new ApiError('internal', 'internal error');
  }
  return c.json(parsed.data as object, spec.response.status);
}
