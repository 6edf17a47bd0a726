/**
 * Human review of governed runs, and stopping a run. A run whose compatibility entry says
 * `human_review` waits `awaiting_review` with its hold and scope lock kept (runGovernedExecution);
 * a reviewer of the deployment (private.staff_roles, never the user who asked, never an API key)
 * lists what waits and decides in their own transaction (private.review_execution, which RLS-free
 * checks and audits). Rejecting releases the hold and the lock; approving runs exactly what was
 * reviewed (the agent input recorded on the run), settled against the kept hold as any run.
 */
import type { Claims, DataAccess } from '../dataAccess.ts';
import { AgentSchema } from '../../../../shared/pipeline/schemas.ts';
import { executeOpenRun, failRun, failure, type OpenRun, type RunInput } from './executeOpenRun.ts';
import { CONTEXT_NEEDS, type BackstageContext } from './providers/AgentProvider.ts';
import { StageRecorder } from './StageRecorder.ts';
import { systemClock, type ExecutionResult, type PipelineDeps, type StageRecord } from './types.ts';

/** A run waiting for the signed-in reviewer. */
export interface PendingReview {
  execution_id: string;
  intent_text: string;
  task_type: string;
  agent_id: string;
  agent_slug: string;
  agent_name: string;
  tokens_reserved: number;
  requested_at: string;
  expires_at: string;
  requester_name: string;
  dataspace_name: string;
}

/**
 * Whether the signed-in person reviews runs, and the runs they may decide now (none, and
 * `reviewer: false`, for anyone else: the list itself refuses them with 42501).
 */
export async function listPendingReviews(
  data: DataAccess,
  claims: Claims,
): Promise<{ reviewer: boolean; data: PendingReview[] }> {
  return data.withUser(claims, async (tx) => {
    const [who] = await tx<{ reviewer: boolean }[]>`select private.has_staff_role('reviewer') as reviewer`;
    if (!who?.reviewer) return { reviewer: false, data: [] };
    const rows = await tx<PendingReview[]>`select * from private.pending_reviews()`;
    return {
      reviewer: true,
      data: rows.map((r) => ({
        ...r,
        requested_at: new Date(r.requested_at).toISOString(),
        expires_at: new Date(r.expires_at).toISOString(),
      })),
    };
  });
}

/** What a decision did: rejected (nothing ran), expired (the hold lapsed), or approved and ran. */
export type ReviewOutcome =
  | { state: 'rejected' | 'expired'; executionId: string }
  | { state: 'approved'; executionId: string; run: ExecutionResult };

/**
 * Records `claims`' decision on run `executionId` and, on approval, runs it. Refusals (not a
 * reviewer, the run's own user, nothing awaiting review) are Postgres errors 42501 / P0002.
 */
export async function decideReview(
  deps: PipelineDeps,
  claims: Claims,
  executionId: string,
  decision: 'approve' | 'reject',
  note?: string,
): Promise<ReviewOutcome> {
  const decided = await deps.data.withUser(claims, async (tx) => {
    const [row] = await tx<{ r: { state: 'approved' | 'rejected' | 'expired'; execution_id: string } }[]>`
      select private.review_execution(${executionId}, ${decision}, ${note ?? null}) as r`;
    return row!.r;
  });
  if (decided.state !== 'approved') return { state: decided.state, executionId };
  return { state: 'approved', executionId, run: await resumeApprovedRun(deps, executionId) };
}

interface ResumedRow {
  id: string;
  /** The tenant (the dataspace's owner) whose content the run writes. */
  identity_id: string;
  /** Who ran it and pays: the identity the pipeline's phase functions act as. */
  runner_identity_id: string | null;
  user_id: string;
  agent_id: string;
  thread_id: string | null;
  dataspace_id: string;
  idempotency_key: string;
  reservation_id: string;
  tokens_reserved: number;
  stages: StageRecord[];
  review: { lock_id: string; input: RunInput; reviewer_user_id?: string; decided_at?: string };
}

/**
 * Runs an approved run once (a second caller gets `in_progress`): gathers its context inside the
 * lock it kept, then executes and settles it like any run (executeOpenRun).
 */
export async function resumeApprovedRun(deps: PipelineDeps, executionId: string): Promise<ExecutionResult> {
  const clock = deps.clock ?? systemClock;
  const taken = await deps.data.withService(async (tx) => {
    const [row] = await tx<{ r: ResumedRow | null }[]>`select private.pipeline_resume(${executionId}) as r`;
    if (!row?.r) return null;
    const [agent] = await tx<Record<string, unknown>[]>`
      select id, slug, name, provider, model, task_types, sphere_kinds, domain_kinds, cost_per_1k_tokens,
             max_tokens, context_tokens, external, active
      from public.agents where id = ${row.r.agent_id}`;
    return { row: row.r, agent: AgentSchema.parse(agent) };
  });
  if (!taken) {
    return failure('in_progress', `run ${executionId} is not approved, or is already running`, [], {
      executionId,
    });
  }
  const { row, agent } = taken;
  const rec = new StageRecorder(clock);
  rec.append(row.stages);
  rec.done('reviewed', {
    decision: 'approved',
    reviewer_user_id: row.review.reviewer_user_id ?? null,
    decided_at: row.review.decided_at ?? null,
  });
  const run: Omit<OpenRun, 'context'> = {
    ...row.review.input,
    identityId: row.runner_identity_id ?? row.identity_id,
    executionId: row.id,
    key: row.idempotency_key,
    userId: row.user_id,
    threadId: row.thread_id,
    dataspaceId: row.dataspace_id,
    reservationId: row.reservation_id,
    reserved: row.tokens_reserved,
    lockId: row.review.lock_id,
    agent,
    rec,
    auditedUpTo: row.stages.length,
    clock,
  };
  let context: BackstageContext;
  try {
    context = await deps.data.withService(async (tx) => {
      const [g] = await tx<{ ctx: BackstageContext }[]>`
        select private.backstage_gather(${row.review.lock_id}, ${CONTEXT_NEEDS[row.review.input.taskType] ?? ['messages', 'memory']}::text[],
                                        ${agent.external}, ${agent.provider === 'builtin'}) as ctx`;
      return g!.ctx;
    });
  } catch (error) {
    return failRun(
      deps,
      { ...run, context: {} },
      'provider_failed',
      `context could not be gathered: ${(error as Error).message}`,
    );
  }
  return executeOpenRun(deps, { ...run, context });
}

/** The runner stops a run of the active identity; returns its status after the request. */
export async function cancelRun(data: DataAccess, claims: Claims, executionId: string): Promise<string> {
  return data.withUser(claims, async (tx) => {
    const [row] = await tx<{ status: string }[]>`select private.request_run_cancel(${executionId}) as status`;
    return row!.status;
  });
}
