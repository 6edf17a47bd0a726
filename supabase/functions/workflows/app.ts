/**
 * 1-Click workflows: an identity's workflows and their ordered steps (CRUD under RLS), their runs
 * (read-only: written by the pipeline), and `POST /workflows/{id}/run`, which runs _shared/pipeline's
 * runWorkflow: one ledger reservation for the whole run, one governed execution per agent step,
 * settled and audited. The Idempotency-Key header names the run: a retry returns the first run's
 * outcome, never a second charge.
 */
import { z } from 'zod';
import { IdParam } from '../../../shared/api/common.ts';
import * as p from '../../../shared/api/pipeline.ts';
import { failureApiCode, runWorkflow } from '../_shared/pipeline/index.ts';
import { aiProviders } from '../_shared/aiProviders.ts';
import { crud } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { GOVERNED_REFUSALS } from '../../../shared/api/governed.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('workflows');

crud(fn, {
  path: '',
  table: 'public.oneclick_workflows',
  noun: 'workflow',
  tag: 'workflows',
  row: p.Workflow,
  create: p.WorkflowCreate,
  update: p.WorkflowUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  filters: { dataspace_id: z.uuid() },
});
crud(fn, {
  path: '/{workflow_id}/steps',
  table: 'public.workflow_steps',
  noun: 'workflow step',
  tag: 'workflows',
  row: p.WorkflowStep,
  create: p.WorkflowStepCreate,
  update: p.WorkflowStepUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  parent: { param: 'workflow_id', column: 'workflow_id' },
});
crud(fn, {
  path: '/{workflow_id}/runs',
  table: 'public.oneclick_executions',
  noun: 'workflow run',
  tag: 'workflows',
  row: p.WorkflowRun,
  verbs: ['list', 'get'],
  parent: { param: 'workflow_id', column: 'workflow_id' },
  filters: { status: z.enum(['pending', 'running', 'succeeded', 'failed', 'refused', 'partial']) },
});

fn.route(
  {
    method: 'post',
    path: '/{id}/run',
    summary:
      'Run a workflow through the governed pipeline (one reservation, each agent step settled and audited)',
    tag: 'workflows',
    params: IdParam,
    body: p.WorkflowRunRequest,
    response: { status: 200, schema: p.WorkflowRunResult },
    idempotency: 'handler',
    errors: [...GOVERNED_REFUSALS, 'step_failed'],
  },
  async ({ params, body, caller, db, c }) => {
    const result = await runWorkflow({ data: db, providers: aiProviders() }, caller.claims, {
      workflowId: params.id,
      idempotencyKey: c.req.header('idempotency-key')!,
      ...(body.threadId ? { threadId: body.threadId } : {}),
      input: body.input ?? {},
    });
    if (!result.ok) {
      throw new ApiError(failureApiCode(result.code), result.message, {
        scope: result.scope,
        runId: result.runId,
        replayed: result.replayed,
        steps: result.steps,
      });
    }
    if (result.replayed) c.header('idempotent-replayed', 'true');
    return result;
  },
);

export default fn;
