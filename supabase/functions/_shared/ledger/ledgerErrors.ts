import { ERROR_CODES, type ErrorCode } from '../../../../shared/api/errors.ts';

/** Codes the ledger APIs refuse with: codes of the one table (shared/api/errors.ts). */
export const LEDGER_ERROR_CODES = [
  'validation_failed',
  'idempotency_key_reused',
  'insufficient_balance',
  'budget_exceeded',
  'budget_ended',
  'already_resolved',
  'forbidden',
  'not_found',
] as const satisfies readonly ErrorCode[];

/** One of {@link LEDGER_ERROR_CODES}. */
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/**
 * The ledger's refusals by SQLSTATE: `private.ledger_refuse` raises each with its own code (class
 * LD) and the refusal as a JSON detail (`private.ledger_verdict`). The one place that maps them.
 */
export const LEDGER_REFUSAL_STATES = {
  LD001: 'insufficient_balance',
  LD002: 'budget_exceeded',
  LD003: 'budget_ended',
  LD004: 'idempotency_key_reused',
} as const satisfies Readonly<Record<string, LedgerErrorCode>>;

/** A refusal code of {@link LEDGER_REFUSAL_STATES}. */
export type LedgerRefusalCode = (typeof LEDGER_REFUSAL_STATES)[keyof typeof LEDGER_REFUSAL_STATES];

/** The scope a ledger refusal names (the budget's scope, or the paying identity). */
export interface LedgerRefusalScope {
  type: 'identity' | 'sphere' | 'domain' | 'dataspace' | 'thread';
  id: string;
}

/** A ledger refusal as a value: its code, the database's message, the scope and the figures. */
export interface LedgerRefusal {
  code: LedgerRefusalCode;
  message: string;
  /** Absent for a reused idempotency key. */
  scope?: LedgerRefusalScope;
  /** The JSON detail as raised (figures: available, requested, committed, amount, budget_id...). */
  detail: Record<string, unknown>;
}

/**
 * The ledger refusal raised as SQLSTATE `state` with `message` and `detail` (the JSON text, or
 * the parsed object, of private.ledger_refuse), or null when the state is not a ledger refusal.
 */
export function ledgerRefusalOf(state: unknown, message: unknown, detail: unknown): LedgerRefusal | null {
  const code =
    typeof state === 'string' && Object.hasOwn(LEDGER_REFUSAL_STATES, state)
      ? LEDGER_REFUSAL_STATES[state as keyof typeof LEDGER_REFUSAL_STATES]
      : null;
  if (!code) return null;
  let parsed: unknown = detail;
  if (typeof detail === 'string') {
    try {
      parsed = JSON.parse(detail);
    } catch {
      parsed = null;
    }
  }
  const fields = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  const scope = fields.scope as Partial<LedgerRefusalScope> | undefined;
  return {
    code,
    message: typeof message === 'string' && message ? message : code,
    ...(scope && typeof scope.type === 'string' && typeof scope.id === 'string'
      ? { scope: { type: scope.type, id: scope.id } }
      : {}),
    detail: fields,
  };
}

/**
 * The refusal of a verdict `private.ledger_verdict` returned (JSON, or null when the ledger would
 * accept), or null. The verdict names its code itself: it is what private.ledger_refuse raises.
 */
export function verdictRefusal(verdict: unknown): LedgerRefusal | null {
  if (verdict === null || typeof verdict !== 'object') return null;
  const code = (verdict as { code?: unknown }).code;
  const state = Object.entries(LEDGER_REFUSAL_STATES).find(([, c]) => c === code)?.[0];
  return state ? ledgerRefusalOf(state, (verdict as { message?: unknown }).message, verdict) : null;
}

/** The ledger refusal a database error carries, or null (see {@link ledgerRefusalOf}). */
export function ledgerRefusalOfError(error: unknown): LedgerRefusal | null {
  const e = error as { code?: unknown; message?: unknown; detail?: unknown } | null;
  return e ? ledgerRefusalOf(e.code, e.message, e.detail) : null;
}

/** A refusal of a ledger operation, with the code the API answers with and the database error as cause. */
export class LedgerError extends Error {
  readonly status: number;
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LedgerError';
    this.status = ERROR_CODES[code];
  }
}

/** Other errors the ledger functions raise, by SQLSTATE (their messages are written for clients). */
const LEDGER_STATES: Readonly<Record<string, LedgerErrorCode>> = {
  '22023': 'validation_failed',
  '42501': 'forbidden',
  P0002: 'not_found',
  '55000': 'already_resolved',
};

/**
 * Turns a database error raised by a ledger function into a LedgerError, by SQLSTATE only;
 * anything else is rethrown unchanged.
 */
export function toLedgerError(error: unknown): never {
  const refusal = ledgerRefusalOfError(error);
  if (refusal) throw new LedgerError(refusal.code, refusal.message, { cause: error });
  const e = error as { code?: string; message?: string };
  const code = typeof e?.code === 'string' ? LEDGER_STATES[e.code] : undefined;
  if (!code) throw error;
  throw new LedgerError(code, e.message ?? code, { cause: error });
}
