/**
 * Shapes every API function shares: the error body, cursor pages, id parameters. Plain zod, so
 * the client, the gateway and the Deno functions validate with the same schemas.
 */
import { z } from 'zod';
import { KeysetCursor } from './cursor.ts';

/** Error codes the API answers with (the `error.code` field), with their HTTP status. */
export const API_ERRORS = {
  bad_request: 400,
  validation_failed: 400,
  constraint_violation: 400,
  /** a list cursor the API did not make (shape, date range or id) */
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  /** an Idempotency-Key sent again with a different request (every route: one contract) */
  idempotency_key_reused: 422,
  /** too many requests of this kind for now (e.g. elevation requests an hour) */
  rate_limited: 429,
  /** the request line or headers are larger than the gateway accepts */
  header_too_large: 431,
  // token ledger and governed pipeline refusals
  insufficient_balance: 402,
  budget_exceeded: 402,
  budget_ended: 402,
  already_resolved: 409,
  /** a request with this Idempotency-Key is still running */
  in_progress: 409,
  scope_not_reachable: 404,
  encoding_rejected: 422,
  no_compatible_agent: 422,
  /** a required step of a workflow run failed (details: the run and its steps) */
  step_failed: 422,
  /** the agent needs a human review here, which a workflow step cannot wait for */
  review_required: 422,
  review_rejected: 409,
  /** the review window ended before a decision: the tokens went back */
  review_expired: 409,
  /** the person who asked for the run stopped it: nothing was written */
  cancelled: 409,
  internal: 500,
  bad_gateway: 502,
  provider_failed: 502,
  unavailable: 503,
  timeout: 504,
} as const;

/** One of the API's error codes. */
export type ApiErrorCode = keyof typeof API_ERRORS;

/** The body of every error response: `{ error: { code, message, details } }`, never a stack trace. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]]),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

/** One field problem of a 400 `validation_failed` error. */
export const FieldIssue = z.object({ path: z.string(), message: z.string(), code: z.string() }).meta({
  id: 'FieldIssue',
});

/** Query of every list endpoint: an opaque cursor from the previous page and a page size. */
export const PageQuery = z.object({
  cursor: KeysetCursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Largest request body a route accepts unless it says otherwise (413 `payload_too_large` beyond). */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

/** Longest Idempotency-Key (characters). */
export const IDEMPOTENCY_KEY_MAX = 200;

/**
 * The `Idempotency-Key` header of a POST: 1 to 200 printable ASCII characters. Optional on every
 * POST, required on the governed routes (they name the run by it). A replay with the same request
 * answers the first answer again (header `Idempotent-Replayed: true`); the same key with a different
 * request is a 422 `idempotency_key_reused`; while the first is still running, a 409 `in_progress`.
 */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(IDEMPOTENCY_KEY_MAX)
  .regex(/^[\x20-\x7e]+$/, 'printable ASCII only');

/** A page of `row`: the items and the cursor of the next page (null on the last page). */
export function pageOf<T extends z.ZodType>(row: T) {
  return z.object({ data: z.array(row), next_cursor: z.string().nullable() });
}

/** Path parameter `{id}`. */
export const IdParam = z.object({ id: z.uuid() });
