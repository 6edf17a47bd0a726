/**
 * Agents (catalog), their compatibility matrix, and governed execution: `POST /agents/{id}/execute`
 * runs server/pipeline's runGovernedExecution (encode → validate → estimate → budget → scope lock →
 * match → execute → assemble → audit → persist into the thread). The Idempotency-Key header names
 * the run: a retry returns the first run's result, never a second charge. `POST /agents/{id}/estimate`
 * is the same request as a dry run (estimateRun.ts): what the run would cost and whether it would pass.
 */
import { z } from 'zod';
import { IdParam } from '../../../shared/api/common.ts';
import * as g from '../../../shared/api/governed.ts';
import { createBuiltinProvider, runGovernedExecution } from '../../../server/pipeline/index.ts';
import { crud } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError, apiCodeOf } from '../_shared/errors.ts';
import { estimateRun } from './estimateRun.ts';

const fn = new EdgeFunction('agents');

const builtin = createBuiltinProvider();

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
  ({ params, body, caller, db }) => estimateRun(db, caller.claims, params.id, body),
);

fn.route(
  {
    method: 'post',
    path: '/{id}/execute',
    summary: 'Run an agent through the governed pipeline (tokens reserved, settled and audited)',
    tag: 'agents',
    params: IdParam,
    body: g.AgentExecute,
    response: { status: 200, schema: g.ExecutionSuccess },
    idempotency: 'handler',
    errors: [...g.GOVERNED_REFUSALS],
  },
  async ({ params, body, caller, db, c }) => {
    const result = await runGovernedExecution({ data: db, providers: { builtin } }, caller.claims, {
      ...body,
      agentId: params.id,
      idempotencyKey: c.req.header('idempotency-key')!,
    });
    if (!result.ok) {
      throw new ApiError(apiCodeOf(result.code), result.message, {
        scope: result.scope,
        executionId: result.executionId,
        replayed: result.replayed,
        ...(result.suggestions ? { suggestions: result.suggestions } : {}),
      });
    }
    if (result.replayed) c.header('idempotent-replayed', 'true');
    return result;
  },
);

export default fn;
