/**
 * The ledger entry points the pipeline uses (private.ledger_reserve / commit / release, service role),
 * with the ledger's refusals turned into pipeline codes naming the scope that refused.
 */
import type { Tx } from '../dataAccess.ts';
import type { LedgerRefusal } from '../ledger/ledgerErrors.ts';
import type { PipelineCode, RefusingScope } from './types.ts';

/** A reservation as the pipeline needs it. */
export interface Hold {
  id: string;
  amount: number;
}

/** Budget scopes a reservation is checked against (the identity's own always applies). */
export interface BudgetScopes {
  sphere?: string;
  domain?: string;
  dataspace?: string;
  thread?: string;
}

/** A ledger refusal as the pipeline reports it. */
export interface PipelineLedgerRefusal {
  code: PipelineCode;
  message: string;
  scope: RefusingScope;
}

/**
 * The pipeline's refusal for a ledger refusal (_shared/ledger/ledgerErrors.ts maps the SQLSTATE; the
 * scope comes from the verdict's JSON detail), or null when `refusal` is none.
 */
export function pipelineRefusal(
  refusal: LedgerRefusal | null,
  identityId: string,
): PipelineLedgerRefusal | null {
  if (!refusal) return null;
  return {
    code: refusal.code,
    message: refusal.message,
    scope: refusal.scope ?? { type: 'identity', id: identityId },
  };
}

/** Holds `amount` tokens for `ttlSeconds`, referencing what the hold pays for. */
export async function reserve(
  tx: Tx,
  identityId: string,
  amount: number,
  key: string,
  reference: { type: 'agent_execution' | 'workflow'; id: string },
  ttlSeconds: number,
  scopes: BudgetScopes,
): Promise<Hold> {
  const [row] = await tx<{ id: string; amount: string }[]>`
    select id, amount from private.ledger_reserve(${identityId}, ${amount}, ${key}, ${reference.type}, ${reference.id},
                                                  make_interval(secs => ${ttlSeconds}), ${tx.json(scopes as Record<string, string>)})`;
  return { id: row!.id, amount: Number(row!.amount) };
}

/** Commits `actual` (at most the hold) and releases the rest, exactly once. */
export async function commit(tx: Tx, reservationId: string, actual: number, key: string): Promise<void> {
  await tx`select 1 from private.ledger_commit(${reservationId}, ${actual}, ${key})`;
}

/** Returns the whole hold, exactly once. */
export async function release(tx: Tx, reservationId: string, key: string): Promise<void> {
  await tx`select 1 from private.ledger_release(${reservationId}, ${key})`;
}
