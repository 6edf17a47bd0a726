/**
 * The second half of a governed run, once it is open (recorded, reserved, scope-locked, matched,
 * context gathered): the agent runs under a deadline, its text streamed to the rooms as it comes
 * (streamRelay.ts), then result assembly, settlement at the reported usage, the thread's writes and
 * the audit in one statement (private.pipeline_close). Any failure — provider error, deadline, the
 * runner stopping it, a write that fails — releases the hold (unless a workflow holds it) and the
 * lock, marks the run failed or cancelled and writes nothing else. A run approved after human review
 * comes back here (reviewRuns.ts) with what was reviewed.
 */
import type { Sql } from 'postgres';
import { priceTokens } from '../../../../shared/pipeline/estimateCost.ts';
import type { Agent, StructuredIntent } from '../../../../shared/pipeline/schemas.ts';
import type { Tx } from '../dataAccess.ts';
import { release } from './ledgerCalls.ts';
import {
  AgentOutputSchema,
  ProviderError,
  type AgentOutput,
  type AgentProvider,
  type AgentRunInput,
  type BackstageContext,
} from './providers/AgentProvider.ts';
import type { StageRecorder } from './StageRecorder.ts';
import { createStreamRelay } from './streamRelay.ts';
import type {
  Clock,
  ExecutionResult,
  PipelineCode,
  PipelineDeps,
  PipelineFailure,
  StageRecord,
} from './types.ts';

const DEFAULT_TIMEOUT_MS = 60_000;

/** How a run is paid for when a workflow holds the reservation (one hold, settled step by step). */
export interface WorkflowFunding {
  reservationId: string;
  /** Tokens of the workflow's hold not yet settled by earlier steps. */
  remaining: number;
  /** Settles this step inside the transaction that writes its results. */
  settle(tx: Tx, step: { executionId: string; charge: number; output: AgentOutput }): Promise<void>;
  /** Extra context for the agent (values mapped from earlier steps). */
  input?: Record<string, unknown>;
}

/** What the agent is given, as recorded for a review (`agent_executions.review.input`). */
export interface RunInput {
  taskType: string;
  intentText: string;
  intent: StructuredIntent;
  encodedText: string;
  eqs: number;
  estimated: number;
  maxOutputTokens: number;
  humanReview: boolean;
}

/** A run ready to execute. */
export interface OpenRun extends RunInput {
  identityId: string;
  executionId: string;
  /** The run's idempotency key (hold keys derive from it). */
  key: string;
  userId: string | null;
  threadId: string | null;
  dataspaceId: string;
  reservationId: string;
  reserved: number;
  lockId: string;
  agent: Agent;
  context: BackstageContext;
  funding?: WorkflowFunding;
  timeoutMs?: number;
  rec: StageRecorder;
  /** Stages already on the audit trail. */
  auditedUpTo: number;
  clock: Clock;
}

/** A failure Result. */
export function failure(
  code: PipelineCode,
  message: string,
  stages: StageRecord[],
  extra: Partial<PipelineFailure> = {},
): PipelineFailure {
  return { ok: false, code, message, stages, replayed: false, ...extra };
}

/** Appends one audit row per stage. */
export async function auditStages(
  tx: Tx,
  identityId: string,
  executionId: string | null,
  stages: StageRecord[],
): Promise<void> {
  if (stages.length === 0) return;
  await tx`select private.pipeline_audit_stages(${identityId}::uuid, ${executionId}::uuid, ${tx.json(stages as never)})`;
}

/** Ends the run row as refused, failed or cancelled, with its error and stages. */
export async function finishRow(
  tx: Tx,
  executionId: string,
  status: 'refused' | 'failed' | 'cancelled',
  result: PipelineFailure,
  clock: { now(): Date },
  extra: { reservationId?: string | null } = {},
): Promise<void> {
  const error = {
    code: result.code,
    message: result.message,
    ...(result.scope ? { scope: result.scope } : {}),
  };
  await tx`
    update public.agent_executions
    set status = ${status}, error = ${tx.json(error as never)}, finished_at = ${clock.now()}, stages = ${tx.json(result.stages as never)},
        reservation_id = coalesce(${extra.reservationId ?? null}::uuid, reservation_id)
    where id = ${executionId}`;
}

/** Runs the provider under `ms`, aborted early by `stop` (the runner, a dropped client). */
async function runWithTimeout(
  provider: AgentProvider,
  input: Omit<AgentRunInput, 'signal'>,
  ms: number,
  stop: AbortSignal,
): Promise<AgentOutput> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const onStop = () => {
      controller.abort({ code: 'cancelled' });
      reject(new ProviderError('the run was stopped', 'cancelled'));
    };
    if (stop.aborted) onStop();
    else stop.addEventListener('abort', onStop, { once: true });
  });
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort({ code: 'timeout' });
      reject(new ProviderError(`agent did not finish within ${ms} ms`, 'timeout'));
    }, ms);
  });
  try {
    const output = await Promise.race([
      provider.run({ ...input, signal: controller.signal }),
      timedOut,
      stopped,
    ]);
    const parsed = AgentOutputSchema.safeParse(output);
    if (!parsed.success) throw new ProviderError(`agent output is malformed: ${parsed.error.message}`);
    return parsed.data;
  } finally {
    clearTimeout(timer);
  }
}

/** Provider or write failure: hold released (or left to the workflow), lock released, run ended, nothing else written. */
export async function failRun(
  deps: PipelineDeps,
  run: OpenRun,
  code: PipelineCode,
  message: string,
): Promise<PipelineFailure> {
  return deps.data.withService(async (tx) => {
    if (!run.funding) await release(tx, run.reservationId, `${run.key}:release`);
    await tx`select private.scope_lock_release(${run.lockId})`;
    run.rec.done('released', { reservation_id: run.reservationId });
    const result = failure(code, message, run.rec.stages, { executionId: run.executionId });
    await finishRow(tx, run.executionId, code === 'cancelled' ? 'cancelled' : 'failed', result, run.clock);
    await auditStages(tx, run.identityId, run.executionId, run.rec.stages.slice(run.auditedUpTo));
    return result;
  });
}

/** Executes an open run and closes it (see the module comment). */
export async function executeOpenRun(deps: PipelineDeps, run: OpenRun): Promise<ExecutionResult> {
  const { rec, clock } = run;
  const provider =
    run.agent.provider === 'builtin' ? deps.providers.builtin : deps.providers.openaiCompatible;
  const stop = new AbortController();
  const onClientGone = () => stop.abort();
  deps.signal?.addEventListener('abort', onClientGone, { once: true });
  if (deps.signal?.aborted) stop.abort();
  // built-in agents answer at once, and a workflow's steps are not shown as they go: no stream. The
  // runner is named so that the rooms offer Stop to that identity only (only it may stop the run)
  const relay =
    run.funding || run.agent.provider === 'builtin'
      ? null
      : createStreamRelay(
          deps.data,
          run.executionId,
          { agent: run.agent.slug, model: run.agent.model, runner: run.identityId },
          () => stop.abort(),
        );
  let output: AgentOutput;
  try {
    if (!provider) throw new ProviderError(`provider ${run.agent.provider} is not configured`);
    output = await runWithTimeout(
      provider,
      {
        agent: run.agent,
        taskType: run.taskType,
        intentText: run.intentText,
        intent: run.intent,
        encodedText: run.encodedText,
        context: run.context,
        maxOutputTokens: run.maxOutputTokens,
        ...(relay ? { onDelta: (text: string) => relay.push(text) } : {}),
      },
      run.timeoutMs ?? deps.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      stop.signal,
    );
    await relay?.end({ model: output.model ?? run.agent.model });
    rec.done('running', {
      model_tokens: output.usage.totalTokens,
      usage_source: output.usage.source,
      model: output.model ?? run.agent.model,
    });
  } catch (error) {
    await relay?.end({ failed: true }).catch(() => undefined);
    rec.done('running', { error: (error as Error).message }, false);
    const code: PipelineCode = error instanceof ProviderError ? error.code : 'provider_failed';
    return failRun(deps, run, code, (error as Error).message);
  } finally {
    deps.signal?.removeEventListener('abort', onClientGone);
  }

  // assembly + settle + persist + audit, all or nothing ---------------------------------------------
  const charge = Math.min(run.reserved, priceTokens(output.usage.totalTokens, run.agent.cost_per_1k_tokens));
  const model = output.model ?? run.agent.model;
  rec.done('assembling', {
    messages: output.messages.length,
    decisions: output.decisions.length,
    memory_proposals: output.memoryProposals.length,
  });
  const result = {
    output: output.result,
    agent: { id: run.agent.id, slug: run.agent.slug, name: run.agent.name, model },
    eqs: run.eqs,
    model_tokens: output.usage.totalTokens,
    usage: output.usage,
    human_review: run.humanReview,
  };
  try {
    // a workflow settles its step itself, in the transaction that writes its results; otherwise the
    // whole close (commit, result rows, lock release, run row, stage audits) is one statement, which
    // times the settling/persisting/audited stages where their work runs
    const close = async (tx: Tx | Sql, settleMs: number) => {
      const [closed] = await tx<
        {
          c: {
            message_ids: string[];
            decision_ids: string[];
            memory_proposal_ids: string[];
            stages: StageRecord[];
          };
        }[]
      >`
        select private.pipeline_close(
          ${run.identityId}, ${run.executionId}, ${run.userId}, ${run.threadId}, ${run.dataspaceId},
          ${run.funding ? null : run.reservationId}, ${charge}, ${run.reserved}, ${`${run.key}:commit`},
          ${tx.json({
            messages: output.messages,
            decisions: output.decisions.map((d) => ({ title: d.title, rationale: d.rationale })),
            memory: output.memoryProposals.map((p) => ({ kind: p.kind, content: p.content })),
          } as never)},
          ${run.lockId}, ${tx.json(result as never)}, ${clock.now()}, ${tx.json(rec.stages as never)},
          ${run.auditedUpTo}, ${Math.round(settleMs * 1000) / 1000}) as c`;
      return closed!.c;
    };
    const funding = run.funding;
    const c =
      funding || !deps.data.serviceStatement
        ? await deps.data.withService(async (tx) => {
            const settleStarted = clock.monotonic();
            if (funding) await funding.settle(tx, { executionId: run.executionId, charge, output });
            return close(tx, clock.monotonic() - settleStarted);
          })
        : await deps.data.serviceStatement((sql) => close(sql, 0));
    rec.append(c.stages);
    return {
      ok: true,
      executionId: run.executionId,
      replayed: false,
      agent: result.agent,
      eqs: run.eqs,
      tokens: {
        estimated: run.estimated,
        reserved: run.reserved,
        used: charge,
        modelTokens: output.usage.totalTokens,
      },
      result: output.result,
      messageIds: c.message_ids,
      decisionIds: c.decision_ids,
      memoryProposalIds: c.memory_proposal_ids,
      stages: rec.stages,
    } satisfies ExecutionResult;
  } catch (error) {
    rec.done('persisting', { error: (error as Error).message }, false);
    return failRun(deps, run, 'provider_failed', `results could not be written: ${(error as Error).message}`);
  }
}
