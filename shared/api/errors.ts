/**
 * Every error code of the product, once: the HTTP API's error bodies, the realtime rooms' error
 * messages and the governed pipeline's and the ledger's refusals take their codes from this table,
 * so one failure has one code wherever it surfaces (a reused Idempotency-Key is
 * `idempotency_key_reused` from a route, a pipeline result or the ledger alike).
 */

/** Each code with its HTTP status (what a route answers it with; a room sends the code alone). */
export const ERROR_CODES = {
  bad_request: 400,
  /** a request value refused by its schema or a rule (details: the fields) */
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
  /** an Idempotency-Key sent again with a different request (every route, the pipeline, the ledger) */
  idempotency_key_reused: 422,
  /** too many requests or messages of this kind for now (routes, rooms) */
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
  /** the encoder cannot read the intent (nothing was charged) */
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
  /** not an error: a run held for human review (the execute route answers 202 with the held run) */
  awaiting_review: 202,
  // realtime rooms only (sent to the client whose message was refused)
  invalid_message: 400,
  unknown_message: 400,
  unauthenticated: 401,
  lock_held: 409,
  /** a grab lock held for GRAB_MAX_HOLD_MS was taken back; grab the object again */
  lock_expired: 409,
  room_locked: 423,
  room_full: 503,
  /** the room holds as many objects or anchors as it may (MAX_ROOM_OBJECTS, MAX_ROOM_ANCHORS) */
  room_cap_reached: 409,
  /** no voice server can take the session (none configured, or none reachable right now) */
  voice_unavailable: 503,
} as const;

/** One of the product's error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes no HTTP error body carries: the rooms' own, and a held run (a 202, not an error). */
const NOT_ANSWERED_BY_ROUTES = [
  'awaiting_review',
  'invalid_message',
  'unknown_message',
  'unauthenticated',
  'lock_held',
  'lock_expired',
  'room_locked',
  'room_full',
  'room_cap_reached',
  'voice_unavailable',
] as const satisfies readonly ErrorCode[];

/** One of the codes the HTTP API answers errors with (the `error.code` field). */
export type ApiErrorCode = Exclude<ErrorCode, (typeof NOT_ANSWERED_BY_ROUTES)[number]>;

/** The codes the HTTP API answers errors with, and their status: {@link ERROR_CODES} less the rooms' own. */
export const API_ERRORS = Object.fromEntries(
  Object.entries(ERROR_CODES).filter(
    ([code]) => !(NOT_ANSWERED_BY_ROUTES as readonly string[]).includes(code),
  ),
) as { readonly [K in ApiErrorCode]: (typeof ERROR_CODES)[K] };

/** Whether `code` is one the HTTP API answers errors with. */
export function isApiErrorCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && Object.hasOwn(API_ERRORS, code);
}
