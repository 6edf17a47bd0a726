/** The shapes of a 1-Click workflow run: its request, each step's outcome, the result, a step's row. */
import { z } from 'zod';
import type { Tx } from '../dataAccess.ts';
import type { PipelineCode, RefusingScope } from './types.ts';

/** A request to run a workflow. */
export const WorkflowRequestSchema = z.object({
  workflowId: z.uuid(),
  idempotencyKey: z.string().min(1).max(200),
  /** The thread the steps act on (`$.workflow.thread_id`); otherwise the workflow's dataspace. */
  threadId: z.uuid().optional(),
  input: z.record(z.string(), z.unknown()).default({}),
});
/** A workflow request. */
export type WorkflowRequest = z.input<typeof WorkflowRequestSchema>;
/** A workflow request once parsed (defaults applied). */
export type WorkflowRequestParsed = z.output<typeof WorkflowRequestSchema>;

/** What happened to one step. */
export interface StepOutcome {
  position: number;
  name: string;
  status: 'succeeded' | 'failed' | 'skipped';
  optional: boolean;
  executionId?: string;
  tokensUsed: number;
  output?: Record<string, unknown>;
  error?: { code: PipelineCode; message: string };
}

/** The result of a workflow run. */
export type WorkflowResult =
  | {
      ok: true;
      runId: string;
      status: 'succeeded' | 'partial';
      replayed: boolean;
      tokensReserved: number;
      tokensUsed: number;
      steps: StepOutcome[];
    }
  | {
      ok: false;
      code: PipelineCode;
      message: string;
      scope?: RefusingScope;
      runId?: string;
      replayed: boolean;
      steps: StepOutcome[];
    };

/** A workflow step as the run reads it. */
export interface StepRow {
  id: string;
  position: number;
  name: string;
  step_type: 'agent' | 'transform' | 'condition' | 'notify';
  agent_id: string | null;
  task_type: string | null;
  input_mapping: Record<string, unknown>;
  output_mapping: Record<string, unknown>;
  conditions: Record<string, unknown> | unknown[];
  timeout_ms: number;
  optional: boolean;
}

/** What an agent step asks its agent: its name, else its task type. */
export function stepIntent(step: StepRow): string {
  return step.name || step.task_type!;
}

function stepRecord(o: StepOutcome): Record<string, unknown> {
  return { ...o };
}

/** Appends a step's outcome to the run (its result, its tokens). */
export async function appendStep(tx: Tx, runId: string, outcome: StepOutcome): Promise<void> {
  await tx`update public.oneclick_executions
           set step_results = step_results || ${tx.json([stepRecord(outcome)] as never)}, tokens_used = tokens_used + ${outcome.tokensUsed}
           where id = ${runId}`;
}
