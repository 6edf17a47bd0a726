/**
 * One edge function: a Hono app under `/<name>` (the path Supabase hands a function) whose routes
 * are declared with zod schemas. The same declarations validate requests (400 with field details)
 * and responses (a response that does not match is a 500, and extra columns are stripped), and
 * feed the OpenAPI 3.1 document. Authentication, API-key scopes and Idempotency-Key replays are
 * applied here, so handlers only hold the resource logic.
 */
import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import type { DataAccess } from '../../../server/db/dataAccess.ts';
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
  access?: Access;
  /**
   * `header`: the handler owns Idempotency-Key (required; e.g. the governed pipeline keeps its
   * own record), so the generic replay store is skipped. Default: the generic store.
   */
  idempotency?: 'generic' | 'handler';
  /** Scope an API key needs; by default `read` for GET, `write` otherwise. */
  action?: 'read' | 'write';
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
      const params = parsePart(spec.params, c.req.param(), 'params');
      const query = parsePart(spec.query, Object.fromEntries(new URL(c.req.url).searchParams), 'query');
      const body = spec.body ? parsePart(spec.body, await readJson(c), 'body') : undefined;
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
      const key = c.req.header('idempotency-key');
      if (spec.idempotency === 'handler') {
        if (!key || key.length > 200) {
          throw new ApiError('validation_failed', 'this route needs an Idempotency-Key header', [
            {
              path: 'headers.idempotency-key',
              message: 'required, 1 to 200 characters',
              code: 'invalid_type',
            },
          ]);
        }
      } else if (spec.method === 'post' && key !== undefined && caller) {
        return withIdempotency(caller, key, `${c.req.method} ${new URL(c.req.url).pathname}`, body, run);
      }
      return run();
    });
    return this;
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, part: string): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new ApiError('validation_failed', `invalid request ${part}`, fieldIssues(parsed.error, part));
  }
  return parsed.data;
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/json')) {
    throw new ApiError('unsupported_media_type', 'send the body as application/json');
  }
  const text = await c.req.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError('bad_request', 'malformed JSON body');
  }
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
