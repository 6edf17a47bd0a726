/**
 * Phase 1 of a workflow run, prepare: the reads as the user (who acts, an earlier run under the key,
 * the workflow, its steps, the scope and what it holds), the answer to a retried key, and the one
 * reservation's amount: each agent step planned as its run will plan it (planRun), at the start of
 * the workflow (a later step's run reserves what its plan asks, at most what is left of the hold).
 */
import { planRun } from '../../../../shared/pipeline/planRun.ts';
import type { Claims } from '../dataAccess.ts';
import {
  activeIdentity,
  loadRunContext,
  loadScope,
  planContextOf,
  type RunContext,
} from './loadRunContext.ts';
import { providerKinds, type PipelineCode, type PipelineDeps } from './types.ts';
import {
  stepIntent,
  type StepOutcome,
  type StepRow,
  type WorkflowRequestParsed,
  type WorkflowResult,
} from './workflowTypes.ts';

/** A prepared workflow run: answered already, or ready to open with its steps and its hold. */
export type PreparedWorkflow =
  | { kind: 'done'; result: WorkflowResult }
  | { kind: 'ready'; identityId: string; steps: StepRow[]; ctx: RunContext; total: number };

/** Prepares workflow run `req` (its request fingerprint `requestHash`) of `claims`' active identity. */
export async function prepareWorkflow(
  deps: PipelineDeps,
  claims: Claims,
  req: WorkflowRequestParsed,
  requestHash: string,
): Promise<PreparedWorkflow> {
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
    const [existing] = await tx<RecordedWorkflowRun[]>`
      select id, status, request_hash, step_results, error, tokens_reserved, tokens_used from public.oneclick_executions
      where identity_id = ${identityId} and idempotency_key = ${req.idempotencyKey}`;
    if (existing) return { existing };
    const [wf] = await tx<{ id: string; dataspace_id: string | null; active: boolean }[]>`
      select id, dataspace_id, active from public.oneclick_workflows where id = ${req.workflowId}`;
    if (!wf || !wf.active)
      return {
        refusal: {
          code: 'not_found' as const,
          message: `workflow ${req.workflowId} does not exist or is inactive`,
          scope: { type: 'workflow' as const, id: req.workflowId },
        },
      };
    if (!wf.dataspace_id && !req.threadId)
      return {
        refusal: {
          code: 'validation_failed' as const,
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
  if ('existing' in prep && prep.existing)
    return { kind: 'done', result: replayWorkflow(prep.existing, requestHash) };
  if ('refusal' in prep && prep.refusal) {
    return { kind: 'done', result: { ok: false, ...prep.refusal, replayed: false, steps: [] } };
  }
  const { identityId, steps, ctx } = prep as {
    identityId: string;
    steps: StepRow[];
    ctx: RunContext;
  };

  // one reservation for the whole run: each agent step planned as its run will plan it (planRun), at
  // the start of the workflow; a later step's run reserves what its plan asks, at most what is left
  const planContext = planContextOf(ctx, providerKinds(deps.providers));
  let total = 0;
  for (const step of steps) {
    if (step.step_type !== 'agent' || !step.task_type) continue;
    const plan = planRun(
      {
        intentText: stepIntent(step),
        taskType: step.task_type,
        ...(step.agent_id ? { agentId: step.agent_id } : {}),
        workflowStep: true,
      },
      planContext,
    );
    if (!plan.ok) {
      if (step.optional) continue;
      return {
        kind: 'done',
        result: {
          ok: false,
          code: plan.code,
          message: `step ${step.position}: ${plan.message}`,
          scope: { type: 'workflow', id: req.workflowId },
          replayed: false,
          steps: [],
        },
      };
    }
    total += plan.estimate.tokens;
  }
  return { kind: 'ready', identityId, steps, ctx, total };
}

/** A workflow run recorded under the request's idempotency key (public.oneclick_executions). */
interface RecordedWorkflowRun {
  id: string;
  status: string;
  request_hash: string | null;
  step_results: StepOutcome[];
  error: { code: PipelineCode; message: string } | null;
  tokens_reserved: number;
  tokens_used: number;
}

/** A run recorded under the key before: its outcome again, or the key reused with another request. */
function replayWorkflow(e: RecordedWorkflowRun, requestHash: string): WorkflowResult {
  if (e.request_hash !== requestHash)
    return {
      ok: false,
      code: 'idempotency_key_reused',
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
