/**
 * Phase 2 of a governed run, open: one service transaction records the run, reserves its tokens
 * (the ledger's refusal comes back as a value) and locks its scope (private.pipeline_open), matches
 * the agent again on the locked scope (memory law 8), parks a run whose agent needs a human review
 * (hold and lock kept), and gathers Backstage while marking the run running (private.pipeline_gather).
 */
import { matchAgent } from '../../../../shared/pipeline/matchAgent.ts';
import type { RunPlanned } from '../../../../shared/pipeline/planRun.ts';
import type { Agent, DOMAIN_KINDS, SPHERE_KINDS } from '../../../../shared/pipeline/schemas.ts';
import type { Claims } from '../dataAccess.ts';
import { ledgerRefusalOf } from '../ledger/ledgerErrors.ts';
import {
  auditStages,
  failure,
  finishRow,
  type OpenRun,
  type RunInput,
  type WorkflowFunding,
} from './executeOpenRun.ts';
import { pipelineRefusal, release } from './ledgerCalls.ts';
import type { RunContext } from './loadRunContext.ts';
import { runBudgetScopes } from './prepareRun.ts';
import { CONTEXT_NEEDS, type BackstageContext } from './providers/AgentProvider.ts';
import { findByKey, type ExecutionRow } from './replayRun.ts';
import type { StageRecorder } from './StageRecorder.ts';
import {
  providerKinds,
  type Clock,
  type ExecutionRequestParsed,
  type ExecutionResult,
  type PipelineDeps,
} from './types.ts';

const DEFAULT_TTL_SECONDS = 900;
/** How long a run held for human review keeps its tokens before the sweeper returns them. */
export const DEFAULT_REVIEW_WINDOW_SECONDS = 7 * 24 * 3600;

/** What opening a run gave: refused, parked for review, already recorded (a retry), or open. */
export type OpenedRun =
  | { kind: 'refused'; result: ExecutionResult }
  | { kind: 'parked'; result: ExecutionResult }
  | { kind: 'replay'; row: ExecutionRow }
  | { kind: 'open'; run: OpenRun };

/** Where opening left the run. */
type Step =
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

/** A prepared run, as opening needs it. */
export interface RunToOpen {
  req: ExecutionRequestParsed;
  requestHash: string;
  identityId: string;
  ctx: RunContext;
  plan: RunPlanned;
  rec: StageRecorder;
  clock: Clock;
  funding?: WorkflowFunding;
}

/** Opens prepared run `r` of `claims`' active identity. */
export async function openRun(deps: PipelineDeps, claims: Claims, r: RunToOpen): Promise<OpenedRun> {
  const { req, requestHash, identityId, ctx, plan, rec, clock, funding } = r;
  const { scope } = ctx;
  const { encoding, taskType, estimate } = plan;
  const preMatch = plan.match;
  const reserveAmount = funding ? Math.min(estimate.tokens, funding.remaining) : estimate.tokens;
  const kinds = {
    sphereKind: scope.sphereKind as (typeof SPHERE_KINDS)[number],
    domainKind: scope.domainKind as (typeof DOMAIN_KINDS)[number],
  };
  const availableProviders = providerKinds(deps.providers);
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
  const opened: Step = await deps.data
    .withService(async (tx) => {
      // intent + run row + reservation + scope lock: one call (a budget refusal comes back as a value)
      const [open] = await tx<
        {
          o: {
            refused?: { sqlstate: string; message: string; detail: Record<string, unknown> | null };
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
        const refusal = pipelineRefusal(
          ledgerRefusalOf(o.refused.sqlstate, o.refused.message, o.refused.detail),
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
  if (opened.kind !== 'open') return opened;
  return {
    kind: 'open',
    run: {
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
    },
  };
}
