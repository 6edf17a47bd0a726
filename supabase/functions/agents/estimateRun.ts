/**
 * `POST /agents/{id}/estimate`: pipeline steps 1–5 as a dry run, in ONE read-only transaction as the
 * user (RLS decides reachability): encode the intent (EQS), validate the agent for the scope, estimate
 * the token cost exactly as the governed run will, and check the active identity's available balance
 * and every applicable budget the way `private.ledger_reserve` does — without reserving, locking or
 * writing anything (no encoded_intents row, no execution row, no audit). In a shared dataspace the
 * runner pays: its balance and identity budget, and the place's dataspace and thread budgets.
 */
import { encodeIntent, EncodingInputError } from '../../../shared/pipeline/encodeIntent.ts';
import { candidateModel, estimateCost } from '../../../shared/pipeline/estimateCost.ts';
import { taskTypesOfAgent } from '../../../shared/pipeline/intentExamples.ts';
import { matchAgent } from '../../../shared/pipeline/matchAgent.ts';
import type { Agent, DOMAIN_KINDS, SPHERE_KINDS } from '../../../shared/pipeline/schemas.ts';
import type { z } from 'zod';
import type * as g from '../../../shared/api/governed.ts';
import type { Claims, DataAccess, Tx } from '../../../server/db/dataAccess.ts';
import {
  activeIdentity,
  contextItemsFor,
  loadRunContext,
  loadScope,
  type RunScope,
} from '../../../server/pipeline/loadRunContext.ts';
import { runBudgetScopes, RUNNING_ROLES } from '../../../server/pipeline/runGovernedExecution.ts';
import { ApiError } from '../_shared/errors.ts';

type Estimate = z.infer<typeof g.AgentEstimate>;
type Refusal = NonNullable<Estimate['refusal']>;

interface BudgetRow {
  id: string;
  scope_type: string;
  scope_id: string;
  period: string;
  amount: string;
  reserved: string;
  spent_now: string;
  remaining: string | null;
  ended: boolean;
}

/**
 * The budgets a reservation for `scope` would be checked against, as the ledger sees them now
 * (`public.token_budgets_now`: a calendar period that began since the last charge starts from 0),
 * in the ledger's lock order (id).
 */
async function applicableBudgets(tx: Tx, scope: RunScope): Promise<BudgetRow[]> {
  const scopes: Record<string, string> = {
    identity: scope.identityId,
    ...(runBudgetScopes(scope) as Record<string, string>),
  };
  // the runner's own budgets, and the place's (dataspace, thread) whoever set them, as
  // private.ledger_charge_budgets charges them; a member reads the place's budgets (participant up)
  return tx<BudgetRow[]>`
    select b.id, b.scope_type, b.scope_id, b.period, b.amount::text, b.reserved::text, b.spent_now::text,
           b.remaining::text, b.ended
    from public.token_budgets_now b
    where (b.identity_id = ${scope.identityId} or b.scope_type in ('dataspace', 'thread'))
      and (b.scope_type, b.scope_id) in (select s.key, s.value::uuid from jsonb_each_text(${tx.json(scopes)}) s)
    order by b.id`;
}

/** A thread's own cap (`threads.token_budget`) and what it consumed or holds, when it has one. */
interface ThreadCap {
  id: string;
  cap: number;
  used: number;
}

/** Budget scopes from the narrowest: the one a refusal names when several refuse. */
const NARROW: readonly string[] = ['thread', 'dataspace', 'domain', 'sphere', 'identity'];

/** The first refusal `private.ledger_reserve` would raise for `amount`, or null when it would accept. */
function ledgerVerdict(
  identityId: string,
  available: number,
  amount: number,
  budgets: Estimate['budgets'],
  rows: BudgetRow[],
  thread: ThreadCap | null,
): Refusal | null {
  if (available < amount) {
    return {
      code: 'insufficient_balance',
      message: `insufficient balance: identity ${identityId} has ${available} available, ${amount} requested`,
      scope: { type: 'identity', id: identityId },
    };
  }
  // the narrowest refusing scope, as the ledger names it (private.ledger_charge_budgets)
  const refusing = budgets
    .map((b, i) => ({ b, ended: rows[i]!.ended }))
    .filter(({ b, ended }) => ended || (b.period !== 'unlimited' && b.committed + amount > b.amount))
    .sort((x, y) => NARROW.indexOf(x.b.scopeType) - NARROW.indexOf(y.b.scopeType));
  const first = refusing[0];
  if (first?.ended) {
    return {
      code: 'budget_ended',
      message: `budget ended: ${first.b.scopeType} ${first.b.scopeId}`,
      scope: { type: first.b.scopeType, id: first.b.scopeId },
    };
  }
  if (first) {
    const b = first.b;
    return {
      code: 'budget_exceeded',
      message: `budget exceeded: ${b.scopeType} ${b.scopeId} (${b.period}: ${b.committed} of ${b.amount} spent or held, ${amount} requested)`,
      scope: { type: b.scopeType, id: b.scopeId },
    };
  }
  if (thread && thread.used + amount > thread.cap) {
    return {
      code: 'budget_exceeded',
      message: `budget exceeded: thread ${thread.id} (${thread.used} of ${thread.cap} consumed or held, ${amount} requested)`,
      scope: { type: 'thread', id: thread.id },
    };
  }
  return null;
}

/** Estimates a run of `agentId` for the active identity of `claims`; writes nothing. */
export async function estimateRun(
  data: DataAccess,
  claims: Claims,
  agentId: string,
  req: z.infer<typeof g.AgentExecute>,
  /** The providers this deployment runs (the OpenAI-compatible one only when configured). */
  providers: Agent['provider'][] = ['builtin'],
): Promise<Estimate> {
  return data.withUser(claims, async (tx) => {
    const identityId = await activeIdentity(tx);
    if (!identityId) throw new ApiError('forbidden', 'the request names no identity of the signed-in user');
    const scope = await loadScope(tx, identityId, req);
    if ('unreachable' in scope) {
      const u = scope.unreachable;
      throw new ApiError('scope_not_reachable', `${u.type} ${u.id} is not reachable by the active identity`, {
        scope: u,
      });
    }
    if (!RUNNING_ROLES.includes(scope.myRole ?? '')) {
      throw new ApiError(
        'scope_not_reachable',
        `dataspace ${scope.dataspaceId}: running agents here needs the participant role or above`,
        { scope: { type: 'dataspace', id: scope.dataspaceId } },
      );
    }
    const ctx = await loadRunContext(tx, scope, req.encodingProfileId);
    if ('missingProfile' in ctx) {
      throw new ApiError('validation_failed', `encoding profile ${ctx.missingProfile} does not exist`, [
        { path: 'body.encodingProfileId', message: 'no such encoding profile', code: 'not_found' },
      ]);
    }
    let encoding: ReturnType<typeof encodeIntent>;
    try {
      encoding = encodeIntent(req.intentText, ctx.profile, ctx.rules, {
        dataspaceId: scope.dataspaceId,
        ...(scope.threadId ? { threadId: scope.threadId } : {}),
        ...(req.taskType ? { taskType: req.taskType } : {}),
        agentTaskTypes: taskTypesOfAgent(ctx.agents, agentId),
      });
    } catch (error) {
      if (error instanceof EncodingInputError) throw new ApiError('encoding_rejected', error.message);
      throw error;
    }
    // the balance, and the thread's own cap with what it consumed or holds, in one read
    const [account] = await tx<{ available: string; cap: string | null; used: string | null }[]>`
      select (a.balance - a.reserved)::text as available, t.token_budget::text as cap,
             (t.tokens_consumed + t.tokens_reserved)::text as used
      from public.token_accounts a
      left join public.threads t on t.id = ${scope.threadId}::uuid
      where a.identity_id = ${identityId}`;
    const available = Number(account?.available ?? 0);
    const thread: ThreadCap | null =
      scope.threadId && account?.cap != null
        ? { id: scope.threadId, cap: Number(account.cap), used: Number(account.used) }
        : null;
    const rows = await applicableBudgets(tx, scope);
    const budgets = rows.map((b) => {
      const committed = Number(b.spent_now) + Number(b.reserved);
      return {
        id: b.id,
        scopeType: b.scope_type as Refusal['scope']['type'],
        scopeId: b.scope_id,
        period: b.period,
        amount: Number(b.amount),
        committed,
        remaining: b.remaining === null ? null : Number(b.remaining),
      };
    });
    const taskType = encoding.intent.taskType ?? null;
    const base = {
      taskType,
      encoded: {
        intent: encoding.intent as unknown as Record<string, unknown>,
        text: encoding.encodedText,
        eqs: encoding.eqs,
        minEqs: encoding.minEqs,
        passes: encoding.passes,
        issues: encoding.issues,
        tokensOriginal: encoding.tokensOriginal,
        tokensEncoded: encoding.tokensEncoded,
        tokensSaved: encoding.tokensSaved,
        suggestions: encoding.suggestions,
      },
      balance: { available },
      budgets,
    };
    if (!taskType || !encoding.passes) {
      return {
        ...base,
        agent: null,
        estimate: null,
        accepted: false,
        refusal: {
          code: 'encoding_rejected',
          message: encoding.issues.join('; ') || 'no task type',
          scope: { type: 'request' },
        },
      };
    }
    const match = matchAgent(ctx.agents, ctx.matrix, {
      sphereKind: scope.sphereKind as (typeof SPHERE_KINDS)[number],
      domainKind: scope.domainKind as (typeof DOMAIN_KINDS)[number],
      taskType,
      scopeHasSensitiveMemory: ctx.stats.sensitiveMemory,
      availableProviders: providers,
      eqs: encoding.eqs,
      agentId,
    });
    if (!match.ok) {
      return {
        ...base,
        agent: null,
        estimate: null,
        accepted: false,
        refusal: {
          code: 'no_compatible_agent',
          message: match.reason,
          scope: { type: 'agent', id: agentId },
        },
      };
    }
    const estimate = estimateCost({
      taskType,
      intentTokens: encoding.tokensOriginal,
      contextItems: contextItemsFor(taskType, ctx.stats),
      candidates: match.candidates.map(candidateModel),
    });
    const refusal = ledgerVerdict(identityId, available, estimate.tokens, budgets, rows, thread);
    return {
      ...base,
      agent: {
        id: match.agent.id,
        slug: match.agent.slug,
        humanReview: match.constraints.human_review === true,
      },
      estimate,
      accepted: refusal === null,
      refusal,
    };
  });
}
