/**
 * The token API's data functions (`GET /tokens/balance`, `/tokens/transactions`, `/tokens/budgets`,
 * `POST /tokens/allocate`). Each takes the transaction of a user request (`withUser`), so RLS
 * decides what is visible and the active identity is the one acting. No `node:*` imports: edge
 * functions (Deno) call these too.
 */
import { z } from 'zod';
import type { Tx } from '../dataAccess.ts';
import { LedgerError, toLedgerError } from './ledgerErrors.ts';

/** The active identity's account; `available` = balance - reserved. */
export interface TokenBalance {
  accountId: string;
  balance: number;
  reserved: number;
  available: number;
  lifetimeEarned: number;
  lifetimeSpent: number;
}

/** The balance of the request's active identity, or null when it has no account yet. */
export async function getTokenBalance(tx: Tx): Promise<TokenBalance | null> {
  const [a] = await tx<{ id: string; balance: string; reserved: string; earned: string; spent: string }[]>`
    select a.id, a.balance::text, a.reserved::text, a.lifetime_earned::text as earned, a.lifetime_spent::text as spent
    from public.token_accounts a where a.identity_id = (select private.active_identity_id())`;
  if (!a) return null;
  const [balance, reserved] = [Number(a.balance), Number(a.reserved)];
  return {
    accountId: a.id,
    balance,
    reserved,
    available: balance - reserved,
    lifetimeEarned: Number(a.earned),
    lifetimeSpent: Number(a.spent),
  };
}

export const TransactionsQuery = z.strictObject({
  /** Page size. */
  limit: z.number().int().min(1).max(200).default(50),
  /** Return postings older than this entry number (the last `entryNo` of the previous page). */
  before: z.number().int().positive().optional(),
});

/** One posting of the active identity's account, newest first. */
export interface TokenTransaction {
  entryNo: number;
  movementId: string;
  kind: string;
  type: string;
  amount: number;
  balanceAfter: number;
  reservedAfter: number;
  referenceType: string | null;
  referenceId: string | null;
  createdAt: Date;
}

/** The active identity's postings, newest first, paged by entry number. */
export async function listTokenTransactions(
  tx: Tx,
  query: z.input<typeof TransactionsQuery> = {},
): Promise<TokenTransaction[]> {
  const q = parse(TransactionsQuery, query);
  const rows = await tx<
    {
      entry_no: string;
      movement_id: string;
      kind: string;
      type: string;
      amount: string;
      balance_after: string;
      reserved_after: string;
      reference_type: string | null;
      reference_id: string | null;
      created_at: Date;
    }[]
  >`
    select t.entry_no::text, t.movement_id, m.kind, t.type, t.amount::text, t.balance_after::text,
           t.reserved_after::text, t.reference_type, t.reference_id, t.created_at
    from public.token_transactions t join public.token_movements m on m.id = t.movement_id
    where t.identity_id = (select private.active_identity_id())
      and (${q.before ?? null}::bigint is null or t.entry_no < ${q.before ?? null}::bigint)
    order by t.entry_no desc limit ${q.limit}`;
  return rows.map((r) => ({
    entryNo: Number(r.entry_no),
    movementId: r.movement_id,
    kind: r.kind,
    type: r.type,
    amount: Number(r.amount),
    balanceAfter: Number(r.balance_after),
    reservedAfter: Number(r.reserved_after),
    referenceType: r.reference_type,
    referenceId: r.reference_id,
    createdAt: r.created_at,
  }));
}

/**
 * A budget of the active identity as of now (`public.token_budgets_now`): a calendar period that
 * began since the last charge shows as started, with nothing spent yet.
 */
export interface TokenBudget {
  id: string;
  scopeType: string;
  scopeId: string;
  period: string;
  amount: number;
  /** Spent in the period in force. */
  spent: number;
  reserved: number;
  /** amount - spent - reserved; null for unlimited budgets. */
  remaining: number | null;
  /** Start of the period in force. */
  periodStart: Date;
  periodEnd: Date | null;
  timeZone: string;
}

/** The active identity's budgets. */
export async function listTokenBudgets(tx: Tx): Promise<TokenBudget[]> {
  const rows = await tx<
    {
      id: string;
      scope_type: string;
      scope_id: string;
      period: string;
      amount: string;
      spent: string;
      reserved: string;
      remaining: string | null;
      period_start: Date;
      period_end: Date | null;
      time_zone: string;
    }[]
  >`
    select b.id, b.scope_type, b.scope_id, b.period, b.amount::text, b.spent_now::text as spent, b.reserved::text,
           b.remaining::text, b.current_start as period_start, b.period_end, b.time_zone
    from public.token_budgets_now b where b.identity_id = (select private.active_identity_id())
    order by b.scope_type, b.scope_id, b.period`;
  return rows.map((b) => {
    return {
      id: b.id,
      scopeType: b.scope_type,
      scopeId: b.scope_id,
      period: b.period,
      amount: Number(b.amount),
      spent: Number(b.spent),
      reserved: Number(b.reserved),
      remaining: b.remaining === null ? null : Number(b.remaining),
      periodStart: b.period_start,
      periodEnd: b.period_end,
      timeZone: b.time_zone,
    };
  });
}

export const AllocateInput = z.strictObject({
  scopeType: z.enum(['dataspace', 'thread']),
  scopeId: z.uuid(),
  amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  idempotencyKey: z.string().min(1).max(255),
});

/** What `POST /tokens/allocate` returns. */
export interface TokenAllocation {
  id: string;
  scopeType: 'dataspace' | 'thread';
  scopeId: string;
  amount: number;
  budgetId: string;
  movementId: string;
  createdAt: Date;
}

/**
 * `POST /tokens/allocate`: earmarks tokens of the active identity for one of its dataspaces or
 * threads (raises that scope's budget). Idempotent by `idempotencyKey`. Refusals are LedgerErrors.
 */
export async function allocateTokens(tx: Tx, input: z.input<typeof AllocateInput>): Promise<TokenAllocation> {
  const i = parse(AllocateInput, input);
  try {
    const [a] = await tx<
      {
        id: string;
        to_scope_type: 'dataspace' | 'thread';
        to_scope_id: string;
        amount: string;
        budget_id: string;
        movement_id: string;
        created_at: Date;
      }[]
    >`select id, to_scope_type, to_scope_id, amount::text, budget_id, movement_id, created_at
      from private.allocate_tokens(${i.scopeType}, ${i.scopeId}, ${i.amount}, ${i.idempotencyKey})`;
    return {
      id: a!.id,
      scopeType: a!.to_scope_type,
      scopeId: a!.to_scope_id,
      amount: Number(a!.amount),
      budgetId: a!.budget_id,
      movementId: a!.movement_id,
      createdAt: a!.created_at,
    };
  } catch (error) {
    return toLedgerError(error);
  }
}

/** Parses API input, refusing it with a `validation_failed` LedgerError that lists every problem. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new LedgerError(
      'validation_failed',
      `invalid input: ${r.error.issues.map((x) => `${x.path.join('.') || '(root)'}: ${x.message}`).join('; ')}`,
    );
  }
  return r.data;
}
