/** Error codes the ledger APIs return, as edge functions map them to HTTP statuses. */
export const LEDGER_ERROR_CODES = {
  invalid_input: 400,
  idempotency_conflict: 409,
  insufficient_balance: 402,
  budget_exceeded: 402,
  budget_ended: 402,
  already_resolved: 409,
  forbidden: 403,
  not_found: 404,
} as const;

export type LedgerErrorCode = keyof typeof LEDGER_ERROR_CODES;

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
    this.status = LEDGER_ERROR_CODES[code];
  }
}

/**
 * Turns a database refusal raised by a ledger function into a LedgerError (by SQLSTATE and the
 * message the function wrote); anything else is rethrown unchanged.
 */
export function toLedgerError(error: unknown): never {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? String(error);
  const code: LedgerErrorCode | null =
    e.code === 'P0001'
      ? message.startsWith('budget exceeded')
        ? 'budget_exceeded'
        : message.startsWith('budget ended')
          ? 'budget_ended'
          : 'insufficient_balance'
      : e.code === '22023'
        ? message.startsWith('idempotency key reused')
          ? 'idempotency_conflict'
          : 'invalid_input'
        : e.code === '42501'
          ? 'forbidden'
          : e.code === 'P0002'
            ? 'not_found'
            : e.code === '55000'
              ? 'already_resolved'
              : null;
  if (code === null) throw error;
  throw new LedgerError(code, message, { cause: error });
}
