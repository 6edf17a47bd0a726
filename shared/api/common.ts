/**
 * Shapes every API function shares: the error body, cursor pages, id parameters. Plain zod, so
 * the client, the gateway and the Deno functions validate with the same schemas.
 */
import { z } from 'zod';

/** Error codes the API answers with (the `error.code` field), with their HTTP status. */
export const API_ERRORS = {
  bad_request: 400,
  validation_failed: 400,
  constraint_violation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  /** too many requests of this kind for now (e.g. elevation requests an hour) */
  rate_limited: 429,
  // token ledger and governed pipeline refusals
  insufficient_balance: 402,
  budget_exceeded: 402,
  budget_ended: 402,
  idempotency_conflict: 409,
  already_resolved: 409,
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
  cursor: z.string().max(512).optional().meta({ description: '`next_cursor` of the previous page' }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** A page of `row`: the items and the cursor of the next page (null on the last page). */
export function pageOf<T extends z.ZodType>(row: T) {
  return z.object({ data: z.array(row), next_cursor: z.string().nullable() });
}

/** Path parameter `{id}`. */
export const IdParam = z.object({ id: z.uuid() });
