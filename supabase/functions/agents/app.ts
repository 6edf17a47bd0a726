/**
 * Agents (catalog), their compatibility matrix, and governed execution: `POST /agents/{id}/execute`
 * runs _shared/pipeline's runGovernedExecution (encode → validate → estimate → budget → scope lock →
 * match → execute → assemble → audit → persist into the thread). The Idempotency-Key header names
 * the run: a retry returns the first run's result, never a second charge. `POST /agents/{id}/estimate`
 * is the same request as a dry run (estimateRun.ts): what the run would cost and whether it would pass.
 * A run whose compatibility entry asks for human review answers 202 and waits: reviewers list such
 * runs (`GET /agents/reviews`) and approve (the run executes then) or reject them
 * (`POST /agents/executions/{id}/approve|reject`); the runner may stop a run (`…/cancel`). A thread's
 * readers list its runs with their status and tokens (`GET /agents/executions?thread_id=`, listRuns.ts).
 */
import { z } from 'zod';
import { IdParam } from '../../../shared/api/common.ts';
import * as g from '../../../shared/api/governed.ts';
import {
  cancelRun,
  decideReview,
  failureApiCode,
  listPendingReviews,
  runGovernedExecution,
  type ExecutionResult,
  type PipelineDeps,
} from '../_shared/pipeline/index.ts';
import { aiProviders, availableProviders } from '../_shared/aiProviders.ts';
import { config } from '../_shared/config.ts';
import { crud, mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';
import { estimateRun } from './estimateRun.ts';
import { listThreadRuns } from './listRuns.ts';

const fn = new EdgeFunction('agents');

function deps(db: PipelineDeps['data'], signal?: AbortSignal): PipelineDeps {
  return {
    data: db,
    providers: aiProviders(),
    reviewWindowSeconds: config().CHENU_REVIEW_WINDOW_SECONDS,
    ...(signal ? { signal } : {}),
  };
}

/** A run that did not succeed, as the API's error (a held run is not an error: see execute). */
function runError(result: Exclude<ExecutionResult, { ok: true }>): ApiError {
  return new ApiError(failureApiCode(result.code), result.message, {
    scope: result.scope,
    executionId: result.executionId,
    replayed: result.replayed,
    ...(result.suggestions ? { suggestions: result.suggestions } : {}),
  });
}

// static paths before `/{id}`
fn.route(
  {
    method: 'get',
    path: '/reviews',
    summary:
      'Runs held for human review that the signed-in reviewer may decide (`reviewer: false` and none for anyone else)',
    tag: 'agents',
    response: {
      status: 200,
      schema: z.object({ reviewer: z.boolean(), data: z.array(g.PendingReview) }),
    },
    access: 'user',
  },
  async ({ caller, db }) => mapped('read', () => listPendingReviews(db, caller.claims)),
);

for (const decision of ['approve', 'reject'] as const) {
  fn.route(
    {
      method: 'post',
      path: `/executions/{id}/${decision}`,
      summary:
        decision === 'approve'
          ? 'Approve a run held for human review: it executes now, settled against its kept hold (reviewers only, never the runner)'
          : 'Reject a run held for human review: its hold and lock are released, nothing is written (reviewers only, never the runner)',
      tag: 'agents',
      params: IdParam,
      body: g.ReviewDecision,
      response: { status: 200, schema: g.ReviewOutcome },
      access: 'user',
      // approval runs the agent: the run's own failures
      errors: decision === 'approve' ? ['provider_failed', 'timeout', 'cancelled'] : [],
    },
    async ({ params, body, caller, db, c }) => {
      const outcome = await mapped('write', () =>
        decideReview(deps(db, c.req.raw.signal), caller.claims, params.id, decision, body?.note),
      );
      if (outcome.state !== 'approved') return { state: outcome.state, executionId: outcome.executionId };
      if (!outcome.run.ok) throw runError(outcome.run);
      return { state: 'approved', executionId: outcome.executionId, run: outcome.run };
    },
  );
}

fn.route(
  {
    method: 'get',
    path: '/executions',
    summary:
      "List a thread's governed runs, newest first: agent, status, tokens estimated, held and used, runner, times (the thread's readers only; another's thread is a 404)",
    tag: 'agents',
    query: g.AgentRunsQuery,
    response: { status: 200, schema: g.AgentRunPage },
  },
  ({ query, caller, db }) => listThreadRuns(db, caller.claims, query),
);

fn.route(
  {
    method: 'post',
    path: '/executions/{id}/cancel',
    summary:
      'Stop a run of the active identity: a held one ends now, a running one at its next streamed chunk (hold released, nothing written)',
    tag: 'agents',
    params: IdParam,
    response: { status: 200, schema: g.CancelOutcome },
    access: 'user',
  },
  async ({ params, caller, db }) => ({
    executionId: params.id,
    status: await mapped('write', () => cancelRun(db, caller.claims, params.id)),
  }),
);

// before `/{id}`, so the static path wins
crud(fn, {
  path: '/compatibility',
  table: 'public.agent_compatibility_matrix',
  owner: 'catalog',
  noun: 'compatibility entry',
  tag: 'agents',
  row: g.AgentCompatibility,
  verbs: ['list'],
  filters: {
    agent_id: z.uuid(),
    sphere_kind: z.string().max(40),
    domain_kind: z.string().max(40),
    task_type: z.string().max(63),
  },
});
crud(fn, {
  path: '',
  table: 'public.agents',
  owner: 'catalog',
  noun: 'agent',
  tag: 'agents',
  row: g.Agent,
  verbs: ['list', 'get'],
});

fn.route(
  {
    method: 'post',
    path: '/{id}/estimate',
    summary:
      'Dry-run a governed action: encoded intent, EQS, token estimate and whether balance and budgets would accept it (reserves and writes nothing)',
    tag: 'agents',
    params: IdParam,
    body: g.AgentExecute,
    response: { status: 200, schema: g.AgentEstimate },
    action: 'read',
  },
  ({ params, body, caller, db }) => estimateRun(db, caller.claims, params.id, body, availableProviders()),
);

fn.route(
  {
    method: 'post',
    path: '/{id}/execute',
    summary:
      'Run an agent through the governed pipeline (tokens reserved, settled and audited; 202 when it waits for a reviewer)',
    tag: 'agents',
    params: IdParam,
    body: g.AgentExecute,
    response: { status: 200, schema: g.ExecutionSuccess },
    alsoResponses: [
      {
        status: 202,
        schema: g.ExecutionAwaitingReview,
        description: 'Held for human review: the tokens stay reserved until a reviewer decides',
      },
    ],
    idempotency: 'handler',
    errors: [...g.GOVERNED_REFUSALS, 'review_rejected', 'cancelled'],
  },
  async ({ params, body, caller, db, c }) => {
    const result = await runGovernedExecution(deps(db, c.req.raw.signal), caller.claims, {
      ...body,
      agentId: params.id,
      idempotencyKey: c.req.header('idempotency-key')!,
    });
    if (!result.ok && result.code === 'awaiting_review' && result.executionId) {
      if (result.replayed) c.header('idempotent-replayed', 'true');
      const held = g.ExecutionAwaitingReview.parse({
        status: 'awaiting_review',
        executionId: result.executionId,
        message: result.message,
      });
      return c.json(held, 202);
    }
    if (!result.ok) throw runError(result);
    if (result.replayed) c.header('idempotent-replayed', 'true');
    return result;
  },
);

export default fn;
