/**
 * `POST /agents/{id}/estimate`: pipeline steps 1–5 as a dry run, in ONE read-only transaction as the
 * user (RLS decides reachability): encode the intent (EQS), validate the agent for the scope, estimate
 * the token cost exactly as the governed run will, and ask the ledger's own verdict
 * (`private.ledger_verdict`, the function `private.ledger_reserve` decides with) whether the balance,
 * the budgets and the thread's cap would accept it — without reserving, locking or writing anything
 * (no encoded_intents row, no execution row, no audit). In a shared dataspace the runner pays: its
 * balance and identity budget, and the place's dataspace and thread budgets.
 */
import { planRun } from '../../../shared/pipeline/planRun.ts';
import type { Agent } from '../../../shared/pipeline/schemas.ts';
import type { z } from 'zod';
import type * as g from '../../../shared/api/governed.ts';
import type { Claims, DataAccess, Tx } from '../_shared/dataAccess.ts';
import {
  activeIdentity,
  loadRunContext,
  loadScope,
  planContextOf,
  type RunScope,
} from '../_shared/pipeline/loadRunContext.ts';
import { runBudgetScopes, RUNNING_ROLES } from '../_shared/pipeline/runGovernedExecution.ts';
import { verdictRefusal } from '../_shared/ledger/ledgerErrors.ts';
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
}

/** The budget scopes a run in `scope` is charged against (the runner's identity always). */
function runScopes(scope: RunScope): Record<string, string> {
  return { identity: scope.identityId, ...(runBudgetScopes(scope) as Record<string, string>) };
}

/**
 * The budgets a reservation for `scope` would be checked against (private.ledger_budget_ids: the
 * runner's own, and the place's dataspace and thread budgets whoever set them), as the ledger sees
 * them now (public.token_budgets_now), in the ledger's lock order (id). RLS decides: a member reads
 * the place's budgets from the participant role up.
 */
async function applicableBudgets(tx: Tx, scope: RunScope): Promise<BudgetRow[]> {
  return tx<BudgetRow[]>`
    select b.id, b.scope_type, b.scope_id, b.period, b.amount::text, b.reserved::text, b.spent_now::text,
           b.remaining::text
    from public.token_budgets_now b
    where b.id = any(private.ledger_budget_ids(${scope.identityId}, ${tx.json(runScopes(scope))}))
    order by b.id`;
}

/**
 * The refusal `private.ledger_reserve` would raise for `amount`, or null when it would accept: the
 * ledger's own verdict (private.ledger_verdict), selected as the user.
 */
async function ledgerVerdict(tx: Tx, scope: RunScope, amount: number): Promise<Refusal | null> {
  const [row] = await tx<{ verdict: unknown }[]>`
    select private.ledger_verdict(${scope.identityId}, ${amount}, ${tx.json(runScopes(scope))}) as verdict`;
  const refusal = verdictRefusal(row?.verdict ?? null);
  if (!refusal || refusal.code === 'idempotency_key_reused') return null;
  return {
    code: refusal.code,
    message: refusal.message,
    scope: refusal.scope ?? { type: 'identity', id: scope.identityId },
  };
}

/** Estimates a run of `agentId` for the active identity of `claims`; writes nothing. */
export async function estimateRun(
  data: DataAccess,
  claims: Claims,
  agentId: string,
  req: z.infer<typeof g.AgentExecute>,
  /** The providers this deployment runs (the OpenAI-compatible one only when configured). */
  providers: readonly Agent['provider'][],
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
    // the run's own plan (encoding, agent, cost), as execute makes it
    const plan = planRun(
      { intentText: req.intentText, ...(req.taskType ? { taskType: req.taskType } : {}), agentId },
      planContextOf(ctx, providers),
    );
    if (!plan.ok && !plan.encoding) throw new ApiError(plan.code, plan.message);
    const encoding = plan.encoding!;
    const [account] = await tx<{ available: string }[]>`
      select (a.balance - a.reserved)::text as available from public.token_accounts a
      where a.identity_id = ${identityId} and a.kind = 'identity'`;
    const available = Number(account?.available ?? 0);
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
    const base = {
      taskType: encoding.intent.taskType ?? null,
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
    if (!plan.ok) {
      return {
        ...base,
        agent: null,
        estimate: null,
        accepted: false,
        refusal: {
          code: plan.code,
          message: plan.message,
          scope: plan.code === 'encoding_rejected' ? { type: 'request' } : { type: 'agent', id: agentId },
        },
      };
    }
    const { match, estimate } = plan;
    const refusal = await ledgerVerdict(tx, scope, estimate.tokens);
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
