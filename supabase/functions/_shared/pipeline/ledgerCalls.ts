/**
 * The ledger entry points the pipeline uses (private.ledger_reserve / commit / release, service role),
 * with the ledger's refusals turned into pipeline codes naming the scope that refused.
 */
import type { Tx } from '../dataAccess.ts';
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

/** A ledger refusal as a value. */
export interface LedgerRefusal {
  code: PipelineCode;
  message: string;
  scope: RefusingScope;
}

const SCOPE_TYPES = ['identity', 'sphere', 'domain', 'dataspace', 'thread'] as const;

/** Maps a ledger exception to a refusal, or null when it is not an expected refusal. */
export function ledgerRefusal(error: unknown, identityId: string): LedgerRefusal | null {
  const e = error as { code?: string; message?: string; detail?: string };
  if (e.code !== 'P0001' || !e.message) return null;
  const budget = /^budget (exceeded|ended): (\w+) ([0-9a-f-]{36})/.exec(e.message);
  if (budget) {
    const type = (SCOPE_TYPES as readonly string[]).includes(budget[2]!)
      ? (budget[2] as RefusingScope['type'])
      : 'identity';
    return {
      code: budget[1] === 'exceeded' ? 'budget_exceeded' : 'budget_ended',
      message: e.detail ? `${e.message} (${e.detail})` : e.message,
      scope: { type, id: budget[3]! },
    };
  }
  if (e.message.startsWith('insufficient balance')) {
    return { code: 'insufficient_balance', message: e.message, scope: { type: 'identity', id: identityId } };
  }
  return null;
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
