/**
 * Schemas of the pipeline's own endpoints: semantic encoding (`GET /encoding/score`, profiles,
 * encoded intents), scope locks (`POST /governance/scope-lock`) and 1-Click workflows (steps, runs,
 * `POST /workflows/{id}/run`). Scores and run results mirror shared/pipeline and
 * supabase/functions/_shared/pipeline (camelCase); table rows are the generated snake_case schemas.
 */
import { z } from 'zod';
import { StructuredIntentSchema } from '../pipeline/schemas.ts';
import { checkConditions, checkMapping, WorkflowRuleError } from '../pipeline/workflowRules.ts';
import * as t from './tables.generated.ts';

const JsonObject = z.record(z.string(), z.unknown());
const TaskType = z.string().regex(/^[a-z][a-z0-9_]{2,62}$/, 'lowercase words joined by _');

/** An encoding profile (catalog). */
export const EncodingProfile = t.encodingProfilesRow.meta({ id: 'EncodingProfile' });
/** One rewrite rule of an encoding profile (catalog). */
export const EncodingRule = t.encodingRulesRow.meta({ id: 'EncodingRule' });
/** An intent the pipeline encoded for the active identity. */
export const EncodedIntent = t.encodedIntentsRow.meta({ id: 'EncodedIntent' });

/** Query of `GET /encoding/score`: the text, and optionally its scope, profile and task type. */
export const EncodingScoreQuery = z
  .object({
    text: z.string().trim().min(1).max(20_000),
    thread_id: z.uuid().optional(),
    dataspace_id: z.uuid().optional(),
    profile_id: z
      .uuid()
      .optional()
      .meta({ description: "default: the thread's profile, else the default one" }),
    task_type: TaskType.optional(),
  })
  .meta({ id: 'EncodingScoreQuery' });

/** What the encoder made of a text: the structured intent, its EQS and the tokens it saves. */
export const EncodingScore = z
  .object({
    profile: z.object({ id: z.uuid(), slug: z.string() }),
    intent: StructuredIntentSchema,
    encodedText: z.string(),
    eqs: z.number().int().min(0).max(100),
    completeness: z.number(),
    penalty: z.number(),
    fieldsPresent: z.array(z.string()),
    ambiguities: z.array(z.object({ signal: z.string(), count: z.number().int(), penalty: z.number() })),
    minEqs: z.number(),
    passes: z.boolean(),
    issues: z.array(z.string()),
    tokensOriginal: z.number().int(),
    tokensEncoded: z.number().int(),
    tokensSaved: z.number().int(),
  })
  .meta({ id: 'EncodingScore' });

/** A scope lock: what a run (or the human, explicitly) froze, until released. */
export const ScopeLock = t.scopeLocksRow.meta({ id: 'ScopeLock' });
/** `POST /governance/scope-lock`: a thread, a dataspace, or an agent run of the active identity. */
export const ScopeLockCreate = z
  .object({
    thread_id: z.uuid().optional(),
    dataspace_id: z.uuid().optional(),
    execution_id: z.uuid().optional().meta({ description: "record the lock as this agent run's" }),
  })
  .refine((b) => b.thread_id ?? b.dataspace_id ?? b.execution_id, {
    message: 'name a thread_id, a dataspace_id or an execution_id',
    path: ['thread_id'],
  })
  .meta({ id: 'ScopeLockCreate' });
/** A new lock, with which of its memory items are sensitive (memory law 8). */
export const ScopeLockAcquired = ScopeLock.extend({
  sensitive_memory_item_ids: z.array(z.uuid()),
}).meta({ id: 'ScopeLockAcquired' });

/** A 1-Click workflow. */
export const Workflow = t.oneclickWorkflowsRow.meta({ id: 'Workflow' });
export const WorkflowCreate = t.oneclickWorkflowsInsert
  .extend({ trigger_config: JsonObject.optional() })
  .meta({ id: 'WorkflowCreate' });
export const WorkflowUpdate = WorkflowCreate.partial().meta({ id: 'WorkflowUpdate' });

/** One step of a workflow; `input_mapping` values may be `$.workflow.…`, `$.steps.N.…` paths. */
export const WorkflowStep = t.workflowStepsRow.meta({ id: 'WorkflowStep' });
/** A step's mapping or condition in the workflow expression language (shared/pipeline/workflowRules.ts). */
function checked(check: (value: unknown, where: string) => void, description: string) {
  return JsonObject.superRefine((value, ctx) => {
    try {
      check(value, 'value');
    } catch (error) {
      if (!(error instanceof WorkflowRuleError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message.replace(/^value\.?/, '') || error.message });
    }
  }).meta({ description });
}

const WorkflowStepFields = t.workflowStepsInsert.omit({ workflow_id: true }).extend({
  task_type: TaskType.nullable().optional(),
  input_mapping: checked(checkMapping, 'each key: a `$.` path, a JSON Logic rule or a literal').optional(),
  output_mapping: checked(
    checkMapping,
    "each key: a `$.` path or a JSON Logic rule (a transform step's output; an agent step reads `$.result.*`)",
  ).optional(),
  conditions: checked(
    checkConditions,
    '{} or {"if": "$.steps.1.tasks.length > 0"} or {"if": <JSON Logic rule>} (a condition step: when false, later steps are skipped)',
  ).optional(),
  timeout_ms: z.number().int().min(100).max(600_000).optional(),
});
export const WorkflowStepCreate = WorkflowStepFields.meta({ id: 'WorkflowStepCreate' });
export const WorkflowStepUpdate = WorkflowStepFields.partial().meta({ id: 'WorkflowStepUpdate' });

/** A run of a workflow (written by the pipeline; read-only). */
export const WorkflowRun = t.oneclickExecutionsRow.omit({ request_hash: true }).meta({ id: 'WorkflowRun' });

/** `POST /workflows/{id}/run` (the Idempotency-Key header is required and names the run). */
export const WorkflowRunRequest = z
  .object({
    threadId: z
      .uuid()
      .optional()
      .meta({ description: "the thread the steps act on (default: the workflow's dataspace)" }),
    input: JsonObject.optional(),
  })
  .meta({ id: 'WorkflowRunRequest' });

/** What happened to one step of a run. */
export const WorkflowStepOutcome = z
  .object({
    position: z.number().int(),
    name: z.string(),
    status: z.enum(['succeeded', 'failed', 'skipped']),
    optional: z.boolean(),
    executionId: z.uuid().optional(),
    tokensUsed: z.number().int(),
    output: JsonObject.optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
  })
  .meta({ id: 'WorkflowStepOutcome' });

/** A succeeded (or partly succeeded: an optional step failed) workflow run. */
export const WorkflowRunResult = z
  .object({
    ok: z.literal(true),
    runId: z.uuid(),
    status: z.enum(['succeeded', 'partial']),
    replayed: z.boolean(),
    tokensReserved: z.number().int(),
    tokensUsed: z.number().int(),
    steps: z.array(WorkflowStepOutcome),
  })
  .meta({ id: 'WorkflowRunResult' });
