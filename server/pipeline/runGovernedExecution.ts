/**
 * The governed execution pipeline: intent → encoding → validation → cost estimate → reservation →
 * scope lock → agent matching → execution → result assembly → settlement → audit → results written
 * into the thread. Three short transactions bracket the agent call, each a few round trips: reads as
 * the user in one query (RLS decides reachability; catalog rows come from a short-lived cache), then
 * one service transaction of two calls (private.pipeline_open records the run, reserves and locks;
 * private.pipeline_gather reads Backstage, marks the run running and audits its stages), then one
 * statement, private.pipeline_close, that settles and writes every result at once; a failure after
 * the reservation releases it, marks the run failed and writes nothing else.
 */
import { encodeIntent, type EncodingResult } from '../../shared/pipeline/encodeIntent.ts';
import { candidateModel, estimateCost } from '../../shared/pipeline/estimateCost.ts';
import { taskTypesOfAgent } from '../../shared/pipeline/intentExamples.ts';
import { matchAgent } from '../../shared/pipeline/matchAgent.ts';
import type { Agent, DOMAIN_KINDS, SPHERE_KINDS } from '../../shared/pipeline/schemas.ts';
import type { Tx } from '../db/dataAccess.ts';
import {
  auditStages,
  executeOpenRun,
  failure,
  finishRow,
  type RunInput,
  type WorkflowFunding,
} from './executeOpenRun.ts';
import { ledgerRefusal, release, type BudgetScopes } from './ledgerCalls.ts';
import {
  CatalogCache,
  contextItemsFor,
  loadRunContext,
  loadRunStart,
  type RunContext,
} from './loadRunContext.ts';
import { CONTEXT_NEEDS, type BackstageContext } from './providers/AgentProvider.ts';
import { StageRecorder } from './StageRecorder.ts';
import {
  ExecutionRequestSchema,
  systemClock,
  type Claims,
  type ExecutionRequest,
  type ExecutionResult,
  type PipelineCode,
  type PipelineDeps,
  type PipelineFailure,
  type RefusingScope,
  type StageRecord,
} from './types.ts';

export type { WorkflowFunding } from './executeOpenRun.ts';

const DEFAULT_TTL_SECONDS = 900;
/** How long a run held for human review keeps its tokens before the sweeper returns them. */
export const DEFAULT_REVIEW_WINDOW_SECONDS = 7 * 24 * 3600;
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

/** SHA-256 hex of a string (Web Crypto: Node, Deno and browsers). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

interface ExecutionRow {
  id: string;
  status: string;
  request_hash: string | null;
  result: Record<string, unknown> | null;
  error: { code?: PipelineCode; message?: string; scope?: RefusingScope } | null;
  stages: StageRecord[];
  tokens_estimated: number;
  tokens_reserved: number;
  tokens_used: number;
}

/** The answer to a retried request: the first run's result, or a clear conflict. */
function replay(row: ExecutionRow, requestHash: string): ExecutionResult {
  if (row.request_hash !== requestHash) {
    return failure('idempotency_conflict', 'idempotency key reused with a different request', [], {
      executionId: row.id,
      scope: { type: 'request' },
      replayed: true,
    });
  }
  if (row.status === 'succeeded' && row.result) {
    const r = row.result as {
      output: Record<string, unknown>;
      agent: { id: string; slug: string; name?: string; model?: string };
      eqs: number;
      model_tokens: number;
      message_ids: string[];
      decision_ids: string[];
      memory_proposal_ids: string[];
    };
    return {
      ok: true,
      executionId: row.id,
      replayed: true,
      agent: r.agent,
      eqs: r.eqs,
      tokens: {
        estimated: row.tokens_estimated,
        reserved: row.tokens_reserved,
        used: row.tokens_used,
        modelTokens: r.model_tokens,
      },
      result: r.output,
      messageIds: r.message_ids,
      decisionIds: r.decision_ids,
      memoryProposalIds: r.memory_proposal_ids,
      stages: row.stages,
    };
  }
  if (row.status === 'awaiting_review' || row.status === 'approved') {
    return failure('awaiting_review', `run ${row.id} is held for human review`, row.stages, {
      executionId: row.id,
      replayed: true,
    });
  }
  if (['failed', 'refused', 'rejected', 'cancelled'].includes(row.status)) {
    return failure(
      row.error?.code ?? 'provider_failed',
      row.error?.message ?? `run ${row.status}`,
      row.stages,
      {
        executionId: row.id,
        replayed: true,
        ...(row.error?.scope ? { scope: row.error.scope } : {}),
      },
    );
  }
  return failure(
    'in_progress',
    `run ${row.id} with this idempotency key is still ${row.status}`,
    row.stages,
    {
      executionId: row.id,
      replayed: true,
    },
  );
}

async function findByKey(tx: Tx, identityId: string, key: string): Promise<ExecutionRow | undefined> {
  const [row] = await tx<ExecutionRow[]>`
    select id, status, request_hash, result, error, stages, tokens_estimated, tokens_reserved, tokens_used
    from public.agent_executions where runner_identity_id = ${identityId} and idempotency_key = ${key}`;
  return row;
}

/**
 * Runs one governed execution for the active identity of `claims`. Returns a Result: success with
 * the written ids, or a refusal/failure with a code and, for refusals, the refusing scope. A retry
 * with the same `idempotencyKey` returns the first run's Result (`replayed: true`); the same key
 * with another request is refused with `idempotency_conflict`.
 */
export async function runGovernedExecution(
  deps: PipelineDeps,
  claims: Claims,
  request: ExecutionRequest,
  funding?: WorkflowFunding,
): Promise<ExecutionResult> {
  const clock = deps.clock ?? systemClock;
  const rec = new StageRecorder(clock);
  const parsed = ExecutionRequestSchema.safeParse(request);
  if (!parsed.success) {
    return failure(
      'invalid_request',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
      [],
      {
        scope: { type: 'request' },
      },
    );
  }
  const req = parsed.data;
  const requestHash = await sha256Hex(
    JSON.stringify([
      req.intentText,
      req.dataspaceId ?? null,
      req.threadId ?? null,
      req.agentId ?? null,
      req.taskType ?? null,
      req.encodingProfileId ?? null,
    ]),
  );

  // validation reads, as the user -----------------------------------------------------------------
  type Prepared =
    | { kind: 'done'; result: ExecutionResult; identityId: string | null }
    | { kind: 'ready'; identityId: string; ctx: RunContext };
  const prepared: Prepared = await deps.data.withUser(claims, async (tx) => {
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
          'invalid_request',
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
    return prepared.result;
  }
  const { identityId, ctx } = prepared;
  const { scope } = ctx;

  // encoding ---------------------------------------------------------------------------------------
  let encoding: EncodingResult;
  try {
    encoding = encodeIntent(req.intentText, ctx.profile, ctx.rules, {
      dataspaceId: scope.dataspaceId,
      ...(scope.threadId ? { threadId: scope.threadId } : {}),
      ...(req.taskType ? { taskType: req.taskType } : {}),
      ...(req.agentId ? { agentTaskTypes: taskTypesOfAgent(ctx.agents, req.agentId) } : {}),
    });
  } catch (error) {
    const result = failure('encoding_rejected', (error as Error).message, rec.stages, {
      scope: { type: 'request' },
    });
    await auditRefusal(deps, identityId, null, result);
    return result;
  }
  rec.done('encoding', {
    eqs: encoding.eqs,
    task_type: encoding.intent.taskType,
    tokens_saved: encoding.tokensSaved,
  });
  const taskType = encoding.intent.taskType;
  // a workflow step's task was fixed by the human who built the workflow: its EQS is recorded, not gated
  // refused before anything is reserved: a request the encoder cannot read costs nothing
  if (!taskType || (!encoding.passes && !funding)) {
    const result = failure('encoding_rejected', encoding.issues.join('; '), rec.stages, {
      scope: { type: 'request' },
      ...(encoding.suggestions.length > 0 ? { suggestions: encoding.suggestions } : {}),
    });
    await auditRefusal(deps, identityId, null, result);
    return result;
  }

  // validation: an agent can do this here at all (law 8 on the scope as it is now) -------------------
  const kinds = {
    sphereKind: scope.sphereKind as (typeof SPHERE_KINDS)[number],
    domainKind: scope.domainKind as (typeof DOMAIN_KINDS)[number],
  };
  const availableProviders: Agent['provider'][] = deps.providers.openaiCompatible
    ? ['builtin', 'openai_compatible']
    : ['builtin'];
  const preMatch = matchAgent(ctx.agents, ctx.matrix, {
    ...kinds,
    taskType,
    scopeHasSensitiveMemory: ctx.stats.sensitiveMemory,
    availableProviders,
    eqs: encoding.eqs,
    ...(req.agentId ? { agentId: req.agentId } : {}),
  });
  if (!preMatch.ok) {
    rec.done('validating', { ok: false }, false);
    const result = failure('no_compatible_agent', preMatch.reason, rec.stages, {
      scope: req.agentId ? { type: 'agent', id: req.agentId } : { type: 'dataspace', id: scope.dataspaceId },
    });
    await auditRefusal(deps, identityId, null, result);
    return result;
  }
  rec.done('validating', {
    sphere_kind: scope.sphereKind,
    domain_kind: scope.domainKind,
    candidates: preMatch.candidates.length,
  });

  // cost estimate ----------------------------------------------------------------------------------
  const estimate = estimateCost({
    taskType,
    intentTokens: encoding.tokensOriginal,
    contextItems: contextItemsFor(taskType, ctx.stats),
    candidates: preMatch.candidates.map(candidateModel),
  });
  const reserveAmount = funding ? Math.min(estimate.tokens, funding.remaining) : estimate.tokens;
  rec.done('estimating', {
    model_tokens: estimate.modelTokens,
    rate_per_1k: estimate.ratePer1k,
    tokens: estimate.tokens,
  });

  // record, reserve, lock, match, gather -----------------------------------------------------------
  const executionId = globalThis.crypto.randomUUID();
  const key = req.idempotencyKey;
  const budgetScopes = runBudgetScopes(scope);
  const runInput: Omit<RunInput, 'humanReview'> = {
    taskType,
    intentText: req.intentText,
    intent: encoding.intent,
    encodedText: encoding.encodedText,
    eqs: encoding.eqs,
    estimated: estimate.tokens,
    maxOutputTokens: estimate.outputTokens,
  };
  type Opened =
    | { kind: 'refused'; result: ExecutionResult }
    | { kind: 'parked'; result: ExecutionResult }
    | { kind: 'replay'; row: ExecutionRow }
    | {
        kind: 'open';
        reservationId: string;
        reserved: number;
        lockId: string;
        agent: Agent;
        context: BackstageContext;
        humanReview: boolean;
      };
  const opened: Opened = await deps.data
    .withService(async (tx) => {
      // intent + run row + reservation + scope lock: one call (a budget refusal comes back as a value)
      const [open] = await tx<
        {
          o: {
            refused?: { message: string; detail: string | null };
            reservation_id: string | null;
            reserved: number | null;
            lock: { id: string; memory_item_ids: string[]; sensitive_memory_item_ids: string[] };
          };
        }[]
      >`
      select private.pipeline_open(
        ${identityId},
        ${tx.json({
          thread_id: scope.threadId,
          profile_id: ctx.profile.id,
          original_text: req.intentText,
          encoded: encoding.intent as never,
          eqs: encoding.eqs,
          tokens_original: encoding.tokensOriginal,
          tokens_encoded: encoding.tokensEncoded,
        })},
        ${tx.json({
          id: executionId,
          user_id: claims.sub ?? null,
          agent_id: preMatch.agent.id,
          thread_id: scope.threadId,
          dataspace_id: scope.dataspaceId,
          intent_text: req.intentText,
          task_type: taskType,
          tokens_estimated: estimate.tokens,
          idempotency_key: key,
          request_hash: requestHash,
          started_at: clock.now().toISOString(),
          stages: rec.stages as never,
        })},
        ${funding ? null : reserveAmount}::bigint, ${`${key}:reserve`}, ${deps.reservationTtlSeconds ?? DEFAULT_TTL_SECONDS}::int,
        ${tx.json(budgetScopes as Record<string, string>)}, ${[scope.dataspaceId]}::uuid[],
        ${scope.threadId ? [scope.threadId] : []}::uuid[]) as o`;
      const o = open!.o;

      let reservationId: string;
      let reserved: number;
      if (o.refused) {
        const refusal = ledgerRefusal(
          { code: 'P0001', message: o.refused.message, detail: o.refused.detail ?? undefined },
          identityId,
        );
        if (!refusal) throw new Error(`reservation refused: ${o.refused.message}`);
        rec.done('reserved', { refused: refusal.code }, false);
        const result = failure(refusal.code, refusal.message, rec.stages, {
          scope: refusal.scope,
          executionId,
        });
        await finishRow(tx, executionId, 'refused', result, clock);
        await auditStages(tx, identityId, executionId, rec.stages);
        return { kind: 'refused', result } as const;
      }
      if (funding) {
        reservationId = funding.reservationId;
        reserved = reserveAmount;
        rec.done('reserved', { reservation_id: reservationId, tokens: reserved, covered_by: 'workflow' });
      } else {
        reservationId = o.reservation_id!;
        reserved = Number(o.reserved);
        rec.done('reserved', { reservation_id: reservationId, tokens: reserved });
      }
      const lockRow = o.lock;
      rec.done('locked', { scope_lock_id: lockRow.id, memory_items: lockRow.memory_item_ids.length });

      const match = matchAgent(ctx.agents, ctx.matrix, {
        ...kinds,
        taskType,
        scopeHasSensitiveMemory: lockRow.sensitive_memory_item_ids.length > 0,
        availableProviders,
        eqs: encoding.eqs,
        ...(req.agentId ? { agentId: req.agentId } : {}),
      });
      if (!match.ok) {
        rec.done('matched', { refused: match.reason }, false);
        if (!funding) await release(tx, reservationId, `${key}:release`);
        await tx`select private.scope_lock_release(${lockRow.id})`;
        const result = failure('no_compatible_agent', match.reason, rec.stages, {
          scope: req.agentId
            ? { type: 'agent', id: req.agentId }
            : { type: 'dataspace', id: scope.dataspaceId },
          executionId,
        });
        await finishRow(tx, executionId, 'refused', result, clock, {
          reservationId: funding ? null : reservationId,
        });
        await auditStages(tx, identityId, executionId, rec.stages);
        return { kind: 'refused', result } as const;
      }
      rec.done('matched', { agent: match.agent.slug, score: match.score, constraints: match.constraints });

      // human review: the run waits here, hold and lock kept, until a reviewer decides (reviewRuns.ts)
      if (match.constraints.human_review === true) {
        if (funding) {
          // a workflow's steps cannot wait on a person: the step is refused, the workflow goes on or stops
          await tx`select private.scope_lock_release(${lockRow.id})`;
          const result = failure(
            'review_required',
            `${match.agent.slug} needs a human review here: run it on its own, not as a workflow step`,
            rec.stages,
            { scope: { type: 'agent', id: match.agent.id }, executionId },
          );
          await finishRow(tx, executionId, 'refused', result, clock);
          await auditStages(tx, identityId, executionId, rec.stages);
          return { kind: 'refused', result } as const;
        }
        rec.done('awaiting_review', { reservation_id: reservationId, tokens: reserved });
        await tx`select private.pipeline_await_review(${identityId}, ${executionId}, ${lockRow.id}, ${match.agent.id},
                                                       ${reservationId}, ${reserved},
                                                       ${deps.reviewWindowSeconds ?? DEFAULT_REVIEW_WINDOW_SECONDS}::int,
                                                       ${tx.json(rec.stages as never)},
                                                       ${tx.json({ ...runInput, humanReview: true } as never)})`;
        const result = failure(
          'awaiting_review',
          'the run is held until a reviewer approves it',
          rec.stages,
          {
            executionId,
            scope: { type: 'agent', id: match.agent.id },
          },
        );
        return { kind: 'parked', result } as const;
      }

      // Backstage + run marked running + stages audited: one call. Built-in agents never read
      // earlier agent output (see builtinAgents), so it is not gathered for them.
      const [gathered] = await tx<{ ctx: BackstageContext & { backstage_context_id: string } }[]>`
      select private.pipeline_gather(${identityId}, ${executionId}, ${lockRow.id},
                                     ${CONTEXT_NEEDS[taskType] ?? ['messages', 'memory']}::text[], ${match.agent.external},
                                     ${match.agent.provider === 'builtin'}, ${match.agent.id}, ${reservationId},
                                     ${reserved}, ${tx.json(rec.stages as never)}) as ctx`;
      return {
        kind: 'open',
        reservationId,
        reserved,
        lockId: lockRow.id,
        agent: match.agent,
        context: { ...gathered!.ctx, ...(funding?.input ? { input: funding.input } : {}) },
        humanReview: false,
      } as const;
    })
    .catch(async (error: unknown) => {
      const e = error as { code?: string; message?: string };
      if (e.code === '23505' && e.message?.startsWith('pipeline_open:')) {
        const row = await deps.data.withService((tx) => findByKey(tx, identityId, key));
        if (row) return { kind: 'replay', row } as const;
      }
      throw error;
    });
  if (opened.kind === 'replay') return replay(opened.row, requestHash);
  if (opened.kind === 'refused' || opened.kind === 'parked') return opened.result;
  return executeOpenRun(deps, {
    ...runInput,
    humanReview: opened.humanReview,
    identityId,
    executionId,
    key,
    userId: claims.sub ?? null,
    threadId: scope.threadId,
    dataspaceId: scope.dataspaceId,
    reservationId: opened.reservationId,
    reserved: opened.reserved,
    lockId: opened.lockId,
    agent: opened.agent,
    context: opened.context,
    ...(funding ? { funding } : {}),
    ...(req.timeoutMs ? { timeoutMs: req.timeoutMs } : {}),
    rec,
    auditedUpTo: rec.stages.length,
    clock,
  });
}

/** A refusal before any execution row exists still lands on the identity's audit chain. */
async function auditRefusal(
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
