/**
 * Phase 3 of a workflow run, execute: its steps in order. A step's own `conditions` skip it; an agent
 * step is a governed run funded by the workflow's hold and settled in the transaction that writes
 * its results; a `notify` step notifies the runner; a `transform` computes its `output_mapping`; a
 * `condition` that does not hold skips every later step. An optional step may fail; a required
 * step's failure stops the run.
 */
import { conditionHolds, evaluateMapping } from '../../../../shared/pipeline/workflowLogic.ts';
import type { Claims } from '../dataAccess.ts';
import type { RunContext } from './loadRunContext.ts';
import { runGovernedExecution } from './runGovernedExecution.ts';
import type { PipelineDeps } from './types.ts';
import {
  appendStep,
  stepIntent,
  type StepOutcome,
  type StepRow,
  type WorkflowRequestParsed,
} from './workflowTypes.ts';

/** What the steps did: each one's outcome, the tokens they used, the required step that failed. */
export interface StepsRun {
  outcomes: StepOutcome[];
  used: number;
  failed: StepOutcome | undefined;
}

/** Runs the `steps` of open workflow run `runId`, funded by `reservationId` (`reserved` tokens). */
export async function executeWorkflowSteps(
  deps: PipelineDeps,
  claims: Claims,
  w: {
    req: WorkflowRequestParsed;
    runId: string;
    identityId: string;
    ctx: RunContext;
    steps: StepRow[];
    reservationId: string | null;
    reserved: number;
  },
): Promise<StepsRun> {
  const { req, runId, identityId, ctx, steps, reservationId, reserved } = w;
  const key = req.idempotencyKey;
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
    let input: Record<string, unknown> = {};
    try {
      // a condition step's conditions are what it evaluates, not a gate on it; a step that does not
      // run has no input to map
      holds = step.step_type === 'condition' || conditionHolds(step.conditions, scopeVars);
      if (holds) input = evaluateMapping(step.input_mapping, scopeVars);
    } catch (error) {
      const o: StepOutcome = {
        ...base,
        status: 'failed',
        error: { code: 'validation_failed', message: (error as Error).message },
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
    let outcome: StepOutcome;
    if (step.step_type === 'agent' && reservationId) {
      let settled: StepOutcome | undefined;
      const r = await runGovernedExecution(
        deps,
        claims,
        {
          intentText: stepIntent(step),
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
          error: { code: 'validation_failed', message: (error as Error).message },
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
  return { outcomes, used, failed };
}
