/**
 * The token ledger of the active identity (_shared/ledger): balance, transactions (paged by entry
 * number), budgets, and `POST /tokens/allocate` (earmarks tokens for a dataspace or thread,
 * idempotent by the required Idempotency-Key header).
 */
import { z } from 'zod';
import { pageOf } from '../../../shared/api/common.ts';
import { SeqCursor } from '../../../shared/api/cursor.ts';
import * as g from '../../../shared/api/governed.ts';
import {
  allocateTokens,
  getTokenBalance,
  listTokenBudgets,
  listTokenTransactions,
} from '../_shared/ledger/tokensApi.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('tokens');
/** Dates to ISO strings, as the JSON answer carries them. */
const json = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

fn.route(
  {
    method: 'get',
    path: '/balance',
    summary: "The active identity's token balance",
    tag: 'tokens',
    response: { status: 200, schema: g.TokenBalance },
  },
  async ({ caller, db }) => {
    const balance = await db.withUser(caller.claims, (tx) => getTokenBalance(tx));
    if (!balance) throw new ApiError('not_found', 'the active identity has no token account');
    return balance;
  },
);

fn.route(
  {
    method: 'get',
    path: '/transactions',
    summary: "The active identity's ledger postings, newest first",
    tag: 'tokens',
    query: z.object({
      cursor: SeqCursor.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
    response: { status: 200, schema: pageOf(g.TokenTransaction) },
  },
  async ({ query, caller, db }) => {
    const rows = await db.withUser(caller.claims, (tx) =>
      listTokenTransactions(tx, {
        limit: query.limit + 1,
        before: query.cursor ? Number(query.cursor) : undefined,
      }),
    );
    const page = rows.slice(0, query.limit);
    return json({
      data: page,
      next_cursor: rows.length > query.limit ? String(page[page.length - 1]!.entryNo) : null,
    });
  },
);

fn.route(
  {
    method: 'get',
    path: '/budgets',
    summary: "The active identity's budgets (one page: an identity has few)",
    tag: 'tokens',
    response: { status: 200, schema: pageOf(g.TokenBudget) },
  },
  async ({ caller, db }) =>
    json({ data: await db.withUser(caller.claims, (tx) => listTokenBudgets(tx)), next_cursor: null }),
);

fn.route(
  {
    method: 'post',
    path: '/allocate',
    summary: 'Allocate tokens to a dataspace or thread budget',
    tag: 'tokens',
    body: g.TokenAllocate,
    response: { status: 201, schema: g.TokenAllocation },
    idempotency: 'handler',
    errors: ['insufficient_balance', 'budget_exceeded', 'budget_ended'],
  },
  async ({ body, caller, db, c }) => {
    const { allocation, replayed } = await db.withUser(caller.claims, async (tx) => {
      const allocation = await allocateTokens(tx, {
        ...body,
        idempotencyKey: c.req.header('idempotency-key')!,
      });
      // a replay returns the allocation its key made earlier: created before this transaction began
      const [now] = await tx<{ now: Date }[]>`select now() as now`;
      return { allocation, replayed: allocation.createdAt.getTime() < now!.now.getTime() };
    });
    if (replayed) c.header('idempotent-replayed', 'true');
    return json(allocation);
  },
);

export default fn;
