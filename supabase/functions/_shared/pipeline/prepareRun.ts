/**
 * Phase 1 of a governed run, prepare: who acts and where (the reads as the user, in one round trip:
 * RLS decides reachability; catalog rows from a short-lived cache), then the run's plan (planRun:
 * encoding, an agent that may do it here, the cost). Refusals here are answered before anything is
 * recorded or reserved, and land on the identity's audit chain.
 */
import { planRun, type RunPlanned } from '../../../../shared/pipeline/planRun.ts';
import type { Claims } from '../dataAccess.ts';
import { failure, type WorkflowFunding } from './executeOpenRun.ts';
import type { BudgetScopes } from './ledgerCalls.ts';
import {
  CatalogCache,
  loadRunContext,
  loadRunStart,
  planContextOf,
  type RunContext,
} from './loadRunContext.ts';
import { replay, type ExecutionRow } from './replayRun.ts';
import type { StageRecorder } from './StageRecorder.ts';
import {
  providerKinds,
  type ExecutionRequestParsed,
  type ExecutionResult,
  type PipelineDeps,
  type PipelineFailure,
} from './types.ts';

/** How long catalog rows (encoding profile and rules, agents, matrix) are reused between runs. */
const CATALOG_TTL_MS = 5_000;

/** One catalog cache per data access (per database), created on first use. */
const catalogCaches = new WeakMap<object, CatalogCache>();

function catalogCacheFor(deps: PipelineDeps): CatalogCache {
  let cache = catalogCaches.get(deps.data);
  if (!cache) {
    cache = new CatalogCache(deps.catalogTtlMs ?? CATALOG_TTL_MS);
    catalogCaches.set(deps.data, cache);
  }
  return cache;
}

/** The roles that run agents in a dataspace: its owner and members from participant up. */
export const RUNNING_ROLES: readonly string[] = ['owner', 'host', 'editor', 'participant'];

/**
 * The budget scopes of a run (beside the runner's own identity budget, which always applies): the
 * place's dataspace and thread, whoever set their budgets; and the sphere and domain when the runner
 * owns the place (an owner's sphere and domain budgets cap the owner's own runs, not a member's).
 */
export function runBudgetScopes(scope: {
  identityId: string;
  ownerIdentityId: string;
  sphereId: string;
  domainId: string | null;
  dataspaceId: string;
  threadId: string | null;
}): BudgetScopes {
  const own = scope.ownerIdentityId === scope.identityId;
  return {
    ...(own ? { sphere: scope.sphereId } : {}),
    ...(own && scope.domainId ? { domain: scope.domainId } : {}),
    dataspace: scope.dataspaceId,
    ...(scope.threadId ? { thread: scope.threadId } : {}),
  };
}

/** A prepared run: answered already (a refusal, a replay), or ready to open with its plan. */
export type PreparedRun =
  | { kind: 'done'; result: ExecutionResult }
  | { kind: 'ready'; identityId: string; ctx: RunContext; plan: RunPlanned };

/**
 * Prepares run `req` of `claims`' active identity: the reads as the user and the plan. A workflow
 * step (`funding`) is planned as one (its EQS recorded, not gated).
 */
export async function prepareRun(
  deps: PipelineDeps,
  claims: Claims,
  req: ExecutionRequestParsed,
  requestHash: string,
  rec: StageRecorder,
  funding?: WorkflowFunding,
): Promise<PreparedRun> {
  type Read =
    | { kind: 'done'; result: ExecutionResult; identityId: string | null }
    | { kind: 'ready'; identityId: string; ctx: RunContext };
  const prepared: Read = await deps.data.withUser(claims, async (tx) => {
    // the active identity, an earlier run under this key, the scope and its sizes: one round trip (RLS decides)
    const start = await loadRunStart<ExecutionRow>(tx, req.idempotencyKey, req);
    const identityId = start.identityId;
    if (!identityId) {
      return {
        kind: 'done',
        identityId: null,
        result: failure('scope_not_reachable', 'the request names no identity of the signed-in user', [], {
          scope: { type: 'identity' },
        }),
      } as const;
    }
    if (start.existing)
      return { kind: 'done', identityId, result: replay(start.existing, requestHash) } as const;
    rec.done('intent', { chars: req.intentText.length });
    const scope = start.scope;
    if ('unreachable' in scope) {
      return {
        kind: 'done',
        identityId,
        result: failure(
          'scope_not_reachable',
          `${scope.unreachable.type} ${scope.unreachable.id} is not reachable by the active identity`,
          rec.stages,
          {
            scope: scope.unreachable,
          },
        ),
      } as const;
    }
    if (!RUNNING_ROLES.includes(scope.myRole ?? '')) {
      // a viewer (or an elevated identity) reads a shared dataspace but does not run agents there
      return {
        kind: 'done',
        identityId,
        result: failure(
          'scope_not_reachable',
          `dataspace ${scope.dataspaceId}: running agents here needs the participant role or above`,
          rec.stages,
          { scope: { type: 'dataspace', id: scope.dataspaceId } },
        ),
      } as const;
    }
    const ctx = await loadRunContext(
      tx,
      scope,
      req.encodingProfileId,
      catalogCacheFor(deps),
      start.stats ?? undefined,
    );
    if ('missingProfile' in ctx) {
      return {
        kind: 'done',
        identityId,
        result: failure(
          'validation_failed',
          `encoding profile ${ctx.missingProfile} does not exist`,
          rec.stages,
          { scope: { type: 'request' } },
        ),
      } as const;
    }
    return { kind: 'ready', identityId, ctx } as const;
  });
  if (prepared.kind === 'done') {
    if (!prepared.result.ok && !prepared.result.replayed && prepared.identityId) {
      await auditRefusal(deps, prepared.identityId, null, prepared.result);
    }
    return { kind: 'done', result: prepared.result };
  }
  const { identityId, ctx } = prepared;
  const { scope } = ctx;

  // encoding, validation (an agent can do this here at all: law 8 on the scope as it is now), cost
  // estimate: planRun, as the estimate and a workflow plan it. Refused before anything is reserved:
  // a request the encoder cannot read costs nothing.
  const plan = planRun(
    {
      intentText: req.intentText,
      ...(req.taskType ? { taskType: req.taskType } : {}),
      ...(req.agentId ? { agentId: req.agentId } : {}),
      workflowStep: funding !== undefined,
    },
    planContextOf(ctx, providerKinds(deps.providers)),
    (step) => {
      if (step.step === 'encoded') {
        const e = step.encoding;
        rec.done('encoding', { eqs: e.eqs, task_type: e.intent.taskType, tokens_saved: e.tokensSaved });
      } else if (step.step === 'matched') {
        const m = step.match;
        if (!m.ok) rec.done('validating', { ok: false }, false);
        else {
          rec.done('validating', {
            sphere_kind: scope.sphereKind,
            domain_kind: scope.domainKind,
            candidates: m.candidates.length,
          });
        }
      } else {
        const e = step.estimate;
        rec.done('estimating', { model_tokens: e.modelTokens, rate_per_1k: e.ratePer1k, tokens: e.tokens });
      }
    },
  );
  if (!plan.ok) {
    const result = failure(plan.code, plan.message, rec.stages, {
      scope:
        plan.code === 'encoding_rejected'
          ? { type: 'request' }
          : req.agentId
            ? { type: 'agent', id: req.agentId }
            : { type: 'dataspace', id: scope.dataspaceId },
      ...(plan.code === 'encoding_rejected' && plan.suggestions.length > 0
        ? { suggestions: plan.suggestions }
        : {}),
    });
    await auditRefusal(deps, identityId, null, result);
    return { kind: 'done', result };
  }
  return { kind: 'ready', identityId, ctx, plan };
}

/** A refusal before any execution row exists still lands on the identity's audit chain. */
export async function auditRefusal(
  deps: PipelineDeps,
  identityId: string,
  executionId: string | null,
  result: PipelineFailure,
): Promise<void> {
  await deps.data.withService(
    (tx) =>
      tx`select private.audit(${identityId}::uuid, 'pipeline.refused', 'agent_execution', ${executionId}::uuid,
                            ${tx.json({ code: result.code, message: result.message, scope: result.scope ?? null, stages: result.stages } as never)})`,
  );
}
