/**
 * The governed execution pipeline: intent → encoding → validation → cost estimate → reservation →
 * scope lock → agent matching → execution → result assembly → settlement → audit → results written
 * into the thread. Three short transactions bracket the agent call, each a few round trips: reads as
 * the user in one query (RLS decides reachability; catalog rows come from a short-lived cache), then
 * one service transaction of two calls (private.pipeline_open records the run, reserves and locks;
 * private.pipeline_gather reads Backstage, marks the run running and audits its stages), then one
 * statement, private.pipeline_close, that settles and writes every result at once; a failure after
 * the reservation releases it, marks the run failed and writes nothing else.
 *
 * The phases are modules: prepare (prepareRun.ts: the reads as the user and the plan), open
 * (openRun.ts: record, reserve, lock, match, park or gather), execute and close (executeOpenRun.ts);
 * a retry under the same Idempotency-Key is answered by replayRun.ts.
 */
import type { Claims } from '../dataAccess.ts';
import { executeOpenRun, failure, type WorkflowFunding } from './executeOpenRun.ts';
import { openRun } from './openRun.ts';
import { prepareRun } from './prepareRun.ts';
import { replay, requestHashOf } from './replayRun.ts';
import { StageRecorder } from './StageRecorder.ts';
import {
  ExecutionRequestSchema,
  systemClock,
  type ExecutionRequest,
  type ExecutionResult,
  type PipelineDeps,
} from './types.ts';

export type { WorkflowFunding } from './executeOpenRun.ts';
export { DEFAULT_REVIEW_WINDOW_SECONDS } from './openRun.ts';
export { RUNNING_ROLES, runBudgetScopes } from './prepareRun.ts';
export { sha256Hex } from './replayRun.ts';

/**
 * Runs one governed execution for the active identity of `claims`. Returns a Result: success with
 * the written ids, or a refusal/failure with a code and, for refusals, the refusing scope. A retry
 * with the same `idempotencyKey` returns the first run's Result (`replayed: true`); the same key
 * with another request is refused with `idempotency_key_reused`.
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
      'validation_failed',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
      [],
      {
        scope: { type: 'request' },
      },
    );
  }
  const req = parsed.data;
  const requestHash = await requestHashOf(req);
  const prepared = await prepareRun(deps, claims, req, requestHash, rec, funding);
  if (prepared.kind === 'done') return prepared.result;
  const opened = await openRun(deps, claims, {
    ...prepared,
    req,
    requestHash,
    rec,
    clock,
    ...(funding ? { funding } : {}),
  });
  if (opened.kind === 'replay') return replay(opened.row, requestHash);
  if (opened.kind !== 'open') return opened.result;
  return executeOpenRun(deps, opened.run);
}
