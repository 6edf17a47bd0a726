/**
 * Phase 2 of a workflow run, open: records the run (a concurrent first request under the same key
 * wins) and holds its tokens in one reservation, the ledger's refusal recorded and answered as a value.
 */
import type { Claims } from '../dataAccess.ts';
import { ledgerRefusalOfError } from '../ledger/ledgerErrors.ts';
import { pipelineRefusal, reserve, type PipelineLedgerRefusal } from './ledgerCalls.ts';
import type { RunContext } from './loadRunContext.ts';
import { runBudgetScopes } from './prepareRun.ts';
import type { Clock, PipelineDeps } from './types.ts';
import type { WorkflowRequestParsed } from './workflowTypes.ts';

/** What opening gave: another request got the key first, the ledger refused, or the run is open. */
export type OpenedWorkflow =
  | { conflict: true }
  | { refusal: PipelineLedgerRefusal }
  | { reservationId: string | null; reserved: number };

/** Opens workflow run `runId` holding `total` tokens (none: no agent step). */
export async function openWorkflow(
  deps: PipelineDeps,
  claims: Claims,
  w: {
    req: WorkflowRequestParsed;
    requestHash: string;
    runId: string;
    identityId: string;
    ctx: RunContext;
    total: number;
    clock: Clock;
  },
): Promise<OpenedWorkflow> {
  const { req, requestHash, runId, identityId, ctx, total, clock } = w;
  const key = req.idempotencyKey;
  return deps.data.withService(async (tx): Promise<OpenedWorkflow> => {
    const ins = await tx`
      insert into public.oneclick_executions (id, identity_id, workflow_id, user_id, status, idempotency_key, request_hash, started_at)
      values (${runId}, ${identityId}, ${req.workflowId}, ${claims.sub ?? null}, 'running', ${key}, ${requestHash}, ${clock.now()})
      on conflict (identity_id, idempotency_key) do nothing returning id`;
    if (ins.length === 0) return { conflict: true };
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
          runBudgetScopes(ctx.scope),
        ),
      );
      await tx`update public.oneclick_executions set reservation_id = ${hold.id}, tokens_reserved = ${hold.amount} where id = ${runId}`;
      await tx`select private.audit(${identityId}::uuid, 'workflow.reserved', 'oneclick_execution', ${runId}::uuid, ${tx.json({ reservation_id: hold.id, tokens: hold.amount })})`;
      return { reservationId: hold.id, reserved: hold.amount };
    } catch (error) {
      const refusal = pipelineRefusal(ledgerRefusalOfError(error), identityId);
      if (!refusal) throw error;
      await tx`update public.oneclick_executions set status = 'refused', finished_at = ${clock.now()},
               error = ${tx.json({ code: refusal.code, message: refusal.message, scope: refusal.scope } as never)} where id = ${runId}`;
      await tx`select private.audit(${identityId}::uuid, 'workflow.refused', 'oneclick_execution', ${runId}::uuid, ${tx.json({ code: refusal.code } as never)})`;
      return { refusal };
    }
  });
}
