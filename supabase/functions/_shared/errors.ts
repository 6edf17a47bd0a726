/**
 * Errors of the API: a typed class with a code from shared/api's table, the mapping of Postgres
 * errors (RLS refusals, constraint violations, the SQL functions' raised codes) to HTTP answers,
 * and the JSON body. Unknown errors become a 500 whose body never carries a stack or SQL.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { API_ERRORS, type ApiErrorCode } from '../../../shared/api/common.ts';

/** An expected failure with its API code; `details` goes to the client as is. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly details: unknown;
  constructor(code: ApiErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return API_ERRORS[this.code];
  }
}

/** The field problems of a failed zod parse, as `details` of a 400. */
export function fieldIssues(
  error: z.ZodError,
  prefix: string,
): { path: string; message: string; code: string }[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].join('.'),
    message: i.message,
    code: i.code,
  }));
}

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  constraint_name?: string;
  column_name?: string;
}

/** Maps a Postgres error to an ApiError; `op` tells a refused reference from a blocked delete. */
export function fromPostgres(
  error: unknown,
  op: 'read' | 'write' | 'delete' = 'write',
): ApiError | undefined {
  const pg = error as PgError;
  if (typeof pg?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pg.code)) return undefined;
  const details = { sqlstate: pg.code, constraint: pg.constraint_name, column: pg.column_name };
  switch (pg.code) {
    case '23505':
      return new ApiError('conflict', 'a row with these values already exists', details, { cause: error });
    case '23503':
      return op === 'delete'
        ? new ApiError('conflict', 'other rows still refer to this one', details, { cause: error })
        : new ApiError('not_found', 'a referenced resource does not exist or is not yours', details, {
            cause: error,
          });
    case '23502':
    case '23514':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22023':
    case '22P02':
    case '2202E':
      return new ApiError('constraint_violation', pg.message ?? 'invalid value', details, { cause: error });
    case '42501':
      return new ApiError('forbidden', 'not allowed for the active identity', details, { cause: error });
    case 'P0002':
      return new ApiError('not_found', pg.message ?? 'not found', details, { cause: error });
    // PostgREST's convention: SQLSTATE PTxyz answers HTTP xyz (the SQL functions' rate limits)
    case 'PT429':
      return new ApiError('rate_limited', pg.message ?? 'too many requests', details, { cause: error });
    case '55000':
    case '40001':
    case '55P03':
      return new ApiError('conflict', pg.message ?? 'conflict', details, { cause: error });
    default:
      return undefined;
  }
}

/** The JSON error answer. */
export function errorResponse(c: Context, error: ApiError): Response {
  const body = { error: { code: error.code, message: error.message, details: error.details } };
  return c.json(body, error.status as 400);
}

/** Hono's onError: expected errors as they are, Postgres errors mapped, the rest a bare 500. */
export function handleError(error: unknown, c: Context): Response {
  if (error instanceof ApiError) return errorResponse(c, error);
  // refusals of server/ledger, server/nova (LedgerError) and server/chenu (ChenuError)
  const ledger = error as { name?: string; code?: string; message?: string };
  if ((ledger?.name === 'LedgerError' || ledger?.name === 'ChenuError') && typeof ledger.code === 'string') {
    const invalid = ledger.code === 'invalid_input' || ledger.code === 'invalid_document';
    const code = (invalid ? 'validation_failed' : ledger.code) as ApiErrorCode;
    if (code in API_ERRORS) return errorResponse(c, new ApiError(code, ledger.message ?? code));
  }
  const mapped = fromPostgres(error);
  if (mapped) return errorResponse(c, mapped);
  if (error instanceof SyntaxError)
    return errorResponse(c, new ApiError('bad_request', 'malformed JSON body'));
  console.error(`[${c.req.method} ${new URL(c.req.url).pathname}]`, error);
  return errorResponse(c, new ApiError('internal', 'internal error'));
}
