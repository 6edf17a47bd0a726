/**
 * Errors of the API: a typed class with a code from shared/api's one table (the pipeline's, the
 * ledger's and the rooms' codes come from it too, so a refusal keeps its code), the mapping of
 * Postgres errors (RLS refusals, constraint violations, data exceptions, the SQL functions' raised
 * codes), and the JSON body. An answer never
 * carries a SQLSTATE, a constraint or table name or a stack: what the database said is logged
 * here, server-side, and the client gets the API's code, a plain message and at most the field.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { API_ERRORS, isApiErrorCode, type ApiErrorCode } from '../../../shared/api/errors.ts';
import { ledgerRefusalOfError } from './ledger/ledgerErrors.ts';

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

/** The fields of a Postgres error postgres.js exposes. */
interface PgError {
  code?: string;
  message?: string;
  detail?: string;
  table_name?: string;
  constraint_name?: string;
  column_name?: string;
}

/** The API field a column-level refusal names (`body.capacity`), when the error says which. */
function fieldOf(pg: PgError): { path: string; message: string; code: string }[] | undefined {
  let column = pg.column_name;
  // check constraints are named `<table>_<column>_check` by Postgres unless a migration names them
  if (!column && pg.constraint_name && pg.table_name) {
    const m = new RegExp(`^${pg.table_name}_(\\w+?)_check$`).exec(pg.constraint_name);
    column = m?.[1];
  }
  return column ? [{ path: `body.${column}`, message: 'value refused', code: 'invalid_value' }] : undefined;
}

/**
 * Maps a Postgres error to an ApiError (undefined when it is not one, or not one a client caused);
 * `op` tells a refused reference from a blocked delete. Codes by SQLSTATE class: 22 data exception
 * and 23 integrity violation are the client's input, 40 and 55 a concurrent writer, 42501 RLS,
 * P0002 a row our SQL did not find, 54 a value too large to process, 57014 a statement timeout,
 * class LD the ledger's refusals (ledger/ledgerErrors.ts).
 */
export function fromPostgres(
  error: unknown,
  op: 'read' | 'write' | 'delete' = 'write',
): ApiError | undefined {
  const pg = error as PgError;
  if (typeof pg?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(pg.code)) return undefined;
  const cause = { cause: error };
  // the ledger's refusals (SQLSTATE class LD, the verdict as JSON detail), mapped in one place
  const refusal = ledgerRefusalOfError(error);
  if (refusal) {
    return new ApiError(
      refusal.code,
      refusal.message,
      refusal.scope ? { scope: refusal.scope } : undefined,
      cause,
    );
  }
  const code = pg.code;
  switch (code) {
    case '23505':
    case '23P01':
      return new ApiError('conflict', 'a resource with these values already exists', undefined, cause);
    case '23503':
      return op === 'delete'
        ? new ApiError('conflict', 'other resources still refer to this one', undefined, cause)
        : new ApiError(
            'not_found',
            'a referenced resource does not exist or is not visible',
            undefined,
            cause,
          );
    case '23502':
      return new ApiError('constraint_violation', 'a required value is missing', fieldOf(pg), cause);
    case '42501':
      return new ApiError('forbidden', 'not allowed for the active identity', undefined, cause);
    case 'P0002':
      // raised by our own SQL functions, whose messages are written for clients
      return new ApiError('not_found', pg.message ?? 'not found', undefined, cause);
    // PostgREST's convention: SQLSTATE PTxyz answers HTTP xyz (the SQL functions' rate limits)
    case 'PT429':
      return new ApiError('rate_limited', pg.message ?? 'too many requests', undefined, cause);
    case '40001':
    case '40P01':
    case '55P03':
      return new ApiError('conflict', 'a concurrent change got there first; retry', undefined, cause);
    case '55000':
      // object_not_in_prerequisite_state: our SQL functions' "not in a state that allows this"
      return new ApiError('conflict', pg.message ?? 'not possible in the current state', undefined, cause);
    case '57014':
      return new ApiError('timeout', 'the request took too long', undefined, cause);
    default:
      break;
  }
  if (code.startsWith('23')) {
    return new ApiError('constraint_violation', 'a value is not allowed here', fieldOf(pg), cause);
  }
  if (code.startsWith('22')) {
    return new ApiError('constraint_violation', 'a value is not valid for its field', fieldOf(pg), cause);
  }
  if (code.startsWith('54')) {
    return new ApiError('payload_too_large', 'a value is too large or too deeply nested', undefined, cause);
  }
  if (code.startsWith('53') || code.startsWith('08')) {
    return new ApiError('unavailable', 'the database is not available; retry', undefined, cause);
  }
  return undefined;
}

/** What the database said, for the server's log only. */
function describeDatabaseError(error: unknown): string | undefined {
  const pg = error as PgError;
  if (typeof pg?.code !== 'string') return undefined;
  return [pg.code, pg.constraint_name, pg.table_name, pg.column_name, pg.message].filter(Boolean).join(' ');
}

/** The JSON error answer. */
export function errorResponse(c: Context, error: ApiError): Response {
  const body = { error: { code: error.code, message: error.message, details: error.details } };
  return c.json(body, error.status as 400);
}

/** Hono's onError: expected errors as they are, refusals and database errors mapped, the rest a bare 500. */
export function handleError(error: unknown, c: Context): Response {
  const where = `[${c.req.method} ${new URL(c.req.url).pathname}]`;
  if (error instanceof ApiError) {
    const db = describeDatabaseError(error.cause);
    if (db) console.warn(`${where} database refused: ${db}`);
    return errorResponse(c, error);
  }
  // refusals of the ledger, Nova (LedgerError) and the .chenu import (ChenuError): their codes
  // are the API's (shared/api/errors.ts)
  const refusal = error as { name?: string; code?: string; message?: string };
  if ((refusal?.name === 'LedgerError' || refusal?.name === 'ChenuError') && isApiErrorCode(refusal.code)) {
    return errorResponse(c, new ApiError(refusal.code, refusal.message ?? refusal.code));
  }
  const mapped = fromPostgres(error);
  if (mapped) {
    console.warn(`${where} database refused: ${describeDatabaseError(error)}`);
    return errorResponse(c, mapped);
  }
  if (error instanceof SyntaxError)
    return errorResponse(c, new ApiError('bad_request', 'malformed JSON body'));
  console.error(where, error);
  return errorResponse(c, new ApiError('internal', 'internal error'));
}
