/**
 * 1-Click workflows: a workflow's ordered steps, each agent step a governed execution, under ONE
 * ledger reservation for the whole run. A `transform` step computes its output from its
 * `output_mapping` (paths and JSON Logic rules over `{workflow, steps, input}`; its mapped input when
 * empty); a `condition` step evaluates its `conditions` and, when they do not hold, skips every later
 * step; any step's own `conditions` skip just that step (shared/pipeline/workflowRules.ts documents
 * the expression language; rules are checked, never eval'd). Each step is settled against that hold in the transaction
 * that writes its results (tokens_used and step_results of the workflow run); the hold is committed
 * once at the end for what the steps used, the rest released. An optional step may fail or time out
 * without failing the run (status 'partial'); a required step's failure stops it ('failed').
 */
import { z } from 'zod';
import { encodeIntent } from '../../shared/pipeline/encodeIntent.ts';
import { candidateModel, estimateCost } from '../../shared/pipeline/estimateCost.ts';
import { conditionHolds, evaluateMapping } from '../../shared/pipeline/workflowLogic.ts';
import { matchAgent } from '../../shared/pipeline/matchAgent.ts';
import type { Agent, DOMAIN_KINDS, SPHERE_KINDS } from '../../shared/pipeline/schemas.ts';
import type { Tx } from '../db/dataAccess.ts';
import { commit, ledgerRefusal, release, reserve } from './ledgerCalls.ts';
import { activeIdentity, contextItemsFor, loadRunContext, loadScope } from './loadRunContext.ts';
import { runGovernedExecution, sha256Hex } from './runGovernedExecution.ts';
import {
  systemClock,
  type Claims,
  type PipelineCode,
  type PipelineDeps,
  type RefusingScope,
} from './types.ts';

/** A request to run a workflow. */
export const WorkflowRequestSchema = z.object({
  workflowId: z.uuid(),
  idempotencyKey: z.string().min(1).max(200),
  /** The thread the steps act on (`$.workflow.thread_id`); otherwise the workflow's dataspace. */
  threadId: z.uuid().optional(),
  input: z.record(z.string(), z.unknown()).default({}),
});
/** A workflow request. */
export type WorkflowRequest = z.input<typeof WorkflowRequestSchema>;

/** What happened to one step. */
export interface StepOutcome {
  position: number;
  name: string;
  status: 'succeeded' | 'failed' | 'skipped';
  optional: boolean;
  executionId?: string;
  tokensUsed: number;
  output?: Record<string, unknown>;
  error?: { code: PipelineCode; message: string };
}

/** The result of a workflow run. */
export type WorkflowResult =
  | {
      ok: true;
      runId: string;
      status: 'succeeded' | 'partial';
      replayed: boolean;
      tokensReserved: number;
      tokensUsed: number;
      steps: StepOutcome[];
    }
  | {
      ok: false;
      code: PipelineCode;
      message: string;
      scope?: RefusingScope;
      runId?: string;
      replayed: boolean;
      steps: StepOutcome[];
    };

interface StepRow {
  id: string;
  position: number;
  name: string;
  step_type: 'agent' | 'transform' | 'condition' | 'notify';
  agent_id: string | null;
  task_type: string | null;
  input_mapping: Record<string, unknown>;
  output_mapping: Record<string, unknown>;
  conditions: Record<string, unknown> | unknown[];
  timeout_ms: number;
  optional: boolean;
}

function stepRecord(o: StepOutcome): Record<string, unknown> {
  return { ...o };
}

async function appendStep(tx: Tx, runId: string, outcome: StepOutcome): Promise<void> {
  await tx`update public.oneclick_executions
           set step_results = step_results || ${tx.json([stepRecord(outcome)] as never)}, tokens_used = tokens_used + ${outcome.tokensUsed}
           where id = ${runId}`;
}

/**
 * Runs workflow `workflowId` for the active identity of `claims`. A retry with the same key returns
 * the first run's outcome; refusals (workflow not found, scope unreachable, budget) are values.
 */
export async function runWorkflow(
  deps: PipelineDeps,
  claims: Claims,
  request: WorkflowRequest,
): Promise<WorkflowResult> {
  const clock = deps.clock ?? systemClock;
  const parsed = WorkflowRequestSchema.safeParse(request);
  if (!parsed.success) {
    return {
      ok: false,
      code: 'invalid_request',
      message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      scope: { type: 'request' },
      replayed: false,
      steps: [],
    };
  }
  const req = parsed.data;
  const requestHash = await sha256Hex(JSON.stringify([req.workflowId, req.threadId ?? null, req.input]));

  const prep = await deps.data.withUser(claims, async (tx) => {
    const identityId = await activeIdentity(tx);
    if (!identityId)
      return {
        refusal: {
          code: 'scope_not_reachable' as const,
          message: 'no active identity',
          scope: { type: 'identity' as const },
        },
      };
    const [existing] = await tx<
      {
        id: string;
        status: string;
        request_hash: string | null;
        step_results: StepOutcome[];
        error: { code: PipelineCode; message: string } | null;
        tokens_reserved: number;
        tokens_used: number;
      }[]
    >`
      select id, status, request_hash, step_results, error, tokens_reserved, tokens_used from public.oneclick_executions
      where identity_id = ${identityId} and idempotency_key = ${req.idempotencyKey}`;
    if (existing) return { existing };
    const [wf] = await tx<{ id: string; dataspace_id: string | null; active: boolean }[]>`
      select id, dataspace_id, active from public.oneclick_workflows where id = ${req.workflowId}`;
    if (!wf || !wf.active)
      return {
        refusal: {
          code: 'workflow_not_found' as const,
          message: `workflow ${req.workflowId} does not exist or is inactive`,
          scope: { type: 'workflow' as const, id: req.workflowId },
        },
      };
    if (!wf.dataspace_id && !req.threadId)
      return {
        refusal: {
          code: 'invalid_request' as const,
          message: 'the workflow has no dataspace: pass a threadId',
          scope: { type: 'request' as const },
        },
      };
    const steps = await tx<StepRow[]>`
      select id, position, name, step_type, agent_id, task_type, input_mapping, output_mapping, conditions, timeout_ms, optional
      from public.workflow_steps where workflow_id = ${wf.id} order by position`;
    const scope = await loadScope(tx, identityId, {
      ...(wf.dataspace_id ? { dataspaceId: wf.dataspace_id } : {}),
      ...(req.threadId ? { threadId: req.threadId } : {}),
    });
    if ('unreachable' in scope)
      return {
        refusal: {
          code: 'scope_not_reachable' as const,
          message: `${scope.unreachable.type} ${scope.unreachable.id} is not reachable`,
          scope: scope.unreachable,
        },
      };
    const ctx = await loadRunContext(tx, scope);
    if ('missingProfile' in ctx) throw new Error('runWorkflow: no default encoding profile');
    return { identityId, steps, ctx };
  });
  if ('existing' in prep && prep.existing) {
    const e = prep.existing;
    if (e.request_hash !== requestHash)
      return {
        ok: false,
        code: 'idempotency_conflict',
        message: 'idempotency key reused with a different request',
        scope: { type: 'request' },
        runId: e.id,
        replayed: true,
        steps: [],
      };
    if (e.status === 'succeeded' || e.status === 'partial')
      return {
        ok: true,
        runId: e.id,
        status: e.status,
        replayed: true,
        tokensReserved: e.tokens_reserved,
        tokensUsed: e.tokens_used,
        steps: e.step_results,
      };
    return {
      ok: false,
      code: e.error?.code ?? 'in_progress',
      message: e.error?.message ?? `workflow run is ${e.status}`,
      runId: e.id,
      replayed: true,
      steps: e.step_results,
    };
  }
  if ('refusal' in prep && prep.refusal) return { ok: false, ...prep.refusal, replayed: false, steps: [] };
  const { identityId, steps, ctx } = prep as {
    identityId: string;
    steps: StepRow[];
    ctx: Exclude<Awaited<ReturnType<typeof loadRunContext>>, { missingProfile: string }>;
  };

  // one estimate for the whole run: every agent step priced at its dearest fitting agent
  const providers: Agent['provider'][] = deps.providers.openaiCompatible
    ? ['builtin', 'openai_compatible']
    : ['builtin'];
  let total = 0;
  for (const step of steps) {
    if (step.step_type !== 'agent' || !step.task_type) continue;
    const enc = encodeIntent(step.name || step.task_type, ctx.profile, ctx.rules, {
      dataspaceId: ctx.scope.dataspaceId,
      taskType: step.task_type,
    });
    const m = matchAgent(ctx.agents, ctx.matrix, {
      sphereKind: ctx.scope.sphereKind as (typeof SPHERE_KINDS)[number],
      domainKind: ctx.scope.domainKind as (typeof DOMAIN_KINDS)[number],
      taskType: step.task_type,
      scopeHasSensitiveMemory: ctx.stats.sensitiveMemory,
      availableProviders: providers,
      ...(step.agent_id ? { agentId: step.agent_id } : {}),
    });
    if (!m.ok) {
      if (step.optional) continue;
      return {
        ok: false,
        code: 'no_compatible_agent',
        message: `step ${step.position}: ${m.reason}`,
        scope: { type: 'workflow', id: req.workflowId },
        replayed: false,
        steps: [],
      };
    }
    total += estimateCost({
      taskType: step.task_type,
      intentTokens: enc.tokensOriginal,
      contextItems: contextItemsFor(step.task_type, ctx.stats) + 10,
      candidates: m.candidates.map(candidateModel),
    }).tokens;
  }

  const runId = globalThis.crypto.randomUUID();
  const key = req.idempotencyKey;
  const opened = await deps.data.withService(async (tx) => {
    const ins = await tx`
      insert into public.oneclick_executions (id, identity_id, workflow_id, user_id, status, idempotency_key, request_hash, started_at)
      values (${runId}, ${identityId}, ${req.workflowId}, ${claims.sub ?? null}, 'running', ${key}, ${requestHash}, ${clock.now()})
      on conflict (identity_id, idempotency_key) do nothing returning id`;
    if (ins.length === 0) return { conflict: true as const };
    if (total === 0) return { reservationId: null, reserved: 0 };
    try {
      const hold = await tx.savepoint((sp) =>
        reserve(
          sp,
          identityId,
          total,
          `${key}:reserve`,
          { type: 'workflow', id: runId },
          deps.reservationTtlSeconds ?? 900,
          {
            sphere: ctx.scope.sphereId,
            dataspace: ctx.scope.dataspaceId,
            ...(ctx.scope.domainId ? { domain: ctx.scope.domainId } : {}),
            ...(ctx.scope.threadId ? { thread: ctx.scope.threadId } : {}),
          },
        ),
      );
      await tx`update public.oneclick_executions set reservation_id = ${hold.id}, tokens_reserved = ${hold.amount} where id = ${runId}`;
      await tx`select private.audit(${identityId}::uuid, 'workflow.reserved', 'oneclick_execution', ${runId}::uuid, ${tx.json({ reservation_id: hold.id, tokens: hold.amount })})`;
      return { reservationId: hold.id, reserved: hold.amount };
    } catch (error) {
      const refusal = ledgerRefusal(error, identityId);
      if (!refusal) throw error;
      await tx`update public.oneclick_executions set status = 'refused', finished_at = ${clock.now()},
               error = ${tx.json({ code: refusal.code, message: refusal.message, scope: refusal.scope } as never)} where id = ${runId}`;
      await tx`select private.audit(${identityId}::uuid, 'workflow.refused', 'oneclick_execution', ${runId}::uuid, ${tx.json({ code: refusal.code } as never)})`;
      return { refusal };
    }
  });
  if ('conflict' in opened) return runWorkflow(deps, claims, request);
  if ('refusal' in opened && opened.refusal)
    return { ok: false, ...opened.refusal, runId, replayed: false, steps: [] };
  const { reservationId, reserved } = opened as { reservationId: string | null; reserved: number };

  const outcomes: StepOutcome[] = [];
  const scopeVars: Record<string, unknown> = {
    workflow: { thread_id: ctx.scope.threadId, dataspace_id: ctx.scope.dataspaceId, input: req.input },
    steps: {},
  };
  let used = 0;
  let failed: StepOutcome | undefined;
  let gateClosed = false;
  for (const step of steps) {
    const base = { position: step.position, name: step.name, optional: step.optional, tokensUsed: 0 };
    if (gateClosed) {
      const o: StepOutcome = { ...base, status: 'skipped' };
      outcomes.push(o);
      await deps.data.withService((tx) => appendStep(tx, runId, o));
      continue;
    }
    let holds: boolean;
    try {
      // a condition step's conditions are what it evaluates, not a gate on it
      holds = step.step_type === 'condition' || conditionHolds(step.conditions, scopeVars);
    } catch (error) {
      const o: StepOutcome = {
        ...base,
        status: 'failed',
        error: { code: 'invalid_request', message: (error as Error).message },
      };
      outcomes.push(o);
      await deps.data.withService((tx) => appendStep(tx, runId, o));
      if (!step.optional) {
        failed = o;
        break;
      }
      continue;
    }
    if (!holds) {
      const o: StepOutcome = { ...base, status: 'skipped' };
      outcomes.push(o);
      await deps.data.withService((tx) => appendStep(tx, runId, o));
      continue;
    }
    let input: Record<string, unknown>;
    let outcome: StepOutcome;
    try {
      input = evaluateMapping(step.input_mapping, scopeVars);
    } catch (error) {
      const o: StepOutcome = {
        ...base,
        status: 'failed',
        error: { code: 'invalid_request', message: (error as Error).message },
      };
      outcomes.push(o);
      await deps.data.withService((tx) => appendStep(tx, runId, o));
      if (!step.optional) {
        failed = o;
        break;
      }
      continue;
    }
    if (step.step_type === 'agent' && reservationId) {
      let settled: StepOutcome | undefined;
      const r = await runGovernedExecution(
        deps,
        claims,
        {
          intentText: step.name || step.task_type!,
          dataspaceId: ctx.scope.dataspaceId,
          ...(ctx.scope.threadId ? { threadId: ctx.scope.threadId } : {}),
          ...(step.agent_id ? { agentId: step.agent_id } : {}),
          taskType: step.task_type!,
          idempotencyKey: `${key}:step:${step.position}`,
          timeoutMs: step.timeout_ms,
        },
        {
          reservationId,
          remaining: reserved - used,
          input,
          settle: async (tx, s) => {
            const output =
              Object.keys(step.output_mapping).length > 0
                ? evaluateMapping(step.output_mapping, { result: s.output.result })
                : s.output.result;
            settled = {
              ...base,
              status: 'succeeded',
              executionId: s.executionId,
              tokensUsed: s.charge,
              output,
            };
            await appendStep(tx, runId, settled);
            await tx`select private.audit(${identityId}::uuid, 'workflow.step.settled', 'oneclick_execution', ${runId}::uuid,
                                          ${tx.json({ position: step.position, execution_id: s.executionId, tokens: s.charge } as never)})`;
          },
        },
      );
      if (r.ok && settled) outcome = settled;
      else {
        outcome = {
          ...base,
          status: 'failed',
          ...(r.ok ? {} : { executionId: r.executionId, error: { code: r.code, message: r.message } }),
        };
        const o = outcome;
        await deps.data.withService((tx) => appendStep(tx, runId, o));
      }
    } else if (step.step_type === 'notify') {
      const body = JSON.stringify(input.body ?? input).slice(0, 4000);
      outcome = { ...base, status: 'succeeded', output: { notified: true } };
      const o = outcome;
      await deps.data.withService(async (tx) => {
        await tx`insert into public.notifications (identity_id, user_id, kind, title, body, data)
                 values (${identityId}, ${claims.sub ?? null}, 'workflow.step', ${step.name || 'Workflow'}, ${body},
                         ${tx.json({ workflow_id: req.workflowId, oneclick_execution_id: runId, position: step.position })})`;
        await appendStep(tx, runId, o);
      });
    } else {
      // transform: the output its mapping computes; condition: whether the rest of the run goes on
      try {
        const values = { ...scopeVars, input };
        let output: Record<string, unknown>;
        if (step.step_type === 'condition') {
          const passed = conditionHolds(step.conditions, values);
          gateClosed = !passed;
          output = { passed };
        } else {
          output =
            Object.keys(step.output_mapping).length > 0
              ? evaluateMapping(step.output_mapping, values)
              : input;
        }
        outcome = { ...base, status: 'succeeded', output };
      } catch (error) {
        outcome = {
          ...base,
          status: 'failed',
          error: { code: 'invalid_request', message: (error as Error).message },
        };
      }
      const o = outcome;
      await deps.data.withService((tx) => appendStep(tx, runId, o));
    }
    used += outcome.tokensUsed;
    outcomes.push(outcome);
    (scopeVars.steps as Record<string, unknown>)[String(step.position)] = outcome.output ?? {};
    if (outcome.status === 'failed' && !step.optional) {
      failed = outcome;
      break;
    }
  }

  const status = failed ? 'failed' : outcomes.some((o) => o.status === 'failed') ? 'partial' : 'succeeded';
  await deps.data.withService(async (tx) => {
    if (reservationId) {
      if (used > 0) await commit(tx, reservationId, Math.min(used, reserved), `${key}:commit`);
      else await release(tx, reservationId, `${key}:release`);
    }
    await tx`update public.oneclick_executions set status = ${status}, finished_at = ${clock.now()},
             error = ${failed ? tx.json({ code: 'step_failed', message: `step ${failed.position} failed: ${failed.error?.message ?? ''}` } as never) : null}
             where id = ${runId}`;
    await tx`select private.audit(${identityId}::uuid, 'workflow.finished', 'oneclick_execution', ${runId}::uuid,
                                  ${tx.json({ status, tokens_used: used, tokens_reserved: reserved } as never)})`;
  });
  if (failed) {
    return {
      ok: false,
      code: 'step_failed',
      message: `step ${failed.position} failed: ${failed.error?.message ?? ''}`,
      scope: { type: 'workflow', id: req.workflowId },
      runId,
      replayed: false,
      steps: outcomes,
    };
  }
  return {
    ok: true,
    runId,
    status: status === 'partial' ? 'partial' : 'succeeded',
    replayed: false,
    tokensReserved: reserved,
    tokensUsed: used,
    steps: outcomes,
  };
}
