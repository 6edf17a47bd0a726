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
 *
 * The phases are modules: prepare (prepareWorkflow.ts: reads, a retried key, the hold's amount), open
 * (openWorkflow.ts: the run and its hold), execute (executeWorkflowSteps.ts) and close
 * (closeWorkflow.ts); the shapes are in workflowTypes.ts.
 */
import type { Claims } from '../dataAccess.ts';
import { closeWorkflow } from './closeWorkflow.ts';
import { executeWorkflowSteps } from './executeWorkflowSteps.ts';
import { openWorkflow } from './openWorkflow.ts';
import { prepareWorkflow } from './prepareWorkflow.ts';
import { sha256Hex } from './replayRun.ts';
import { systemClock, type PipelineDeps } from './types.ts';
import { WorkflowRequestSchema, type WorkflowRequest, type WorkflowResult } from './workflowTypes.ts';

export {
  WorkflowRequestSchema,
  type StepOutcome,
  type WorkflowRequest,
  type WorkflowResult,
} from './workflowTypes.ts';

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
      code: 'validation_failed',
      message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      scope: { type: 'request' },
      replayed: false,
      steps: [],
    };
  }
  const req = parsed.data;
  const requestHash = await sha256Hex(JSON.stringify([req.workflowId, req.threadId ?? null, req.input]));
  const prepared = await prepareWorkflow(deps, claims, req, requestHash);
  if (prepared.kind === 'done') return prepared.result;
  const { identityId, steps, ctx, total } = prepared;

  const runId = globalThis.crypto.randomUUID();
  const opened = await openWorkflow(deps, claims, { req, requestHash, runId, identityId, ctx, total, clock });
  // another request under the same key got there first: answer as its retry
  if ('conflict' in opened) return runWorkflow(deps, claims, request);
  if ('refusal' in opened) return { ok: false, ...opened.refusal, runId, replayed: false, steps: [] };
  const { reservationId, reserved } = opened;

  const ran = await executeWorkflowSteps(deps, claims, {
    req,
    runId,
    identityId,
    ctx,
    steps,
    reservationId,
    reserved,
  });
  return closeWorkflow(deps, { req, runId, identityId, reservationId, reserved, ran, clock });
}
