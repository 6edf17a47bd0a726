/**
 * Shapes every API function shares: the error body, cursor pages, id parameters. Plain zod, so
 * the client, the gateway and the Deno functions validate with the same schemas.
 */
import { z } from 'zod';
import { KeysetCursor } from './cursor.ts';
import { API_ERRORS, type ApiErrorCode } from './errors.ts';

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
