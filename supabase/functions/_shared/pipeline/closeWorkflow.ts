/**
 * Phase 4 of a workflow run, close: the hold is committed once for what the steps used (the rest
 * released, all of it when nothing was used), the run finished (succeeded, partial or failed) and
 * audited, and the result answered.
 */
import { commit, release } from './ledgerCalls.ts';
import type { Clock, PipelineDeps } from './types.ts';
import type { WorkflowRequestParsed, WorkflowResult } from './workflowTypes.ts';
import type { StepsRun } from './executeWorkflowSteps.ts';

/** Closes workflow run `runId` after its steps `ran`. */
export async function closeWorkflow(
  deps: PipelineDeps,
  w: {
    req: WorkflowRequestParsed;
    runId: string;
    identityId: string;
    reservationId: string | null;
    reserved: number;
    ran: StepsRun;
    clock: Clock;
  },
): Promise<WorkflowResult> {
  const { req, runId, identityId, reservationId, reserved, clock } = w;
  const { outcomes, used, failed } = w.ran;
  const key = req.idempotencyKey;
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
