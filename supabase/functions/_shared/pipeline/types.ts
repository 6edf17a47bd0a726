/**
 * Public types of the governed execution pipeline: dependencies (injectable: data access, providers,
 * clock), requests, and the typed Result every run returns. Expected refusals are values with a
 * code and the refusing scope, never thrown; `throw` is kept for broken invariants.
 */
import { z } from 'zod';
import type { ErrorCode } from '../../../../shared/api/errors.ts';
import type { Agent } from '../../../../shared/pipeline/schemas.ts';
import type { Claims, DataAccess } from '../dataAccess.ts';
import type { AgentProvider } from './providers/AgentProvider.ts';

/**
 * Why a run did not succeed: codes of the one table (shared/api/errors.ts), so a route answers a
 * run's code as it is (`awaiting_review` is a held run, which the execute route answers 202).
 */
export const PIPELINE_CODES = [
  'validation_failed',
  'scope_not_reachable',
  'encoding_rejected',
  'no_compatible_agent',
  'insufficient_balance',
  'budget_exceeded',
  'budget_ended',
  'idempotency_key_reused',
  'in_progress',
  'provider_failed',
  'timeout',
  'not_found',
  'step_failed',
  'awaiting_review',
  'review_required',
  'review_rejected',
  'review_expired',
  'cancelled',
] as const satisfies readonly ErrorCode[];
/** One of {@link PIPELINE_CODES}. */
export type PipelineCode = (typeof PIPELINE_CODES)[number];

/**
 * The API error code of a run that did not succeed: its own code, except a held run, which only
 * the execute route answers (202 with the run); anywhere else it is still in progress.
 */
export function failureApiCode(code: PipelineCode): Exclude<PipelineCode, 'awaiting_review'> | 'in_progress' {
  return code === 'awaiting_review' ? 'in_progress' : code;
}

/** The scope that refused a run (a budget's scope, the unreachable thread, the agent...). */
export interface RefusingScope {
  type: 'identity' | 'sphere' | 'domain' | 'dataspace' | 'thread' | 'agent' | 'request' | 'workflow';
  id?: string;
}

/** One pipeline stage as recorded on `agent_executions.stages`. */
export interface StageRecord {
  stage: string;
  ms: number;
  ok: boolean;
  detail?: Record<string, unknown>;
}

/** Wall clock for timestamps and a monotonic clock for stage timings. */
export interface Clock {
  now(): Date;
  monotonic(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date(), monotonic: () => performance.now() };

/** What the pipeline needs; everything is injected so edge functions and tests choose. */
export interface PipelineDeps {
  data: DataAccess;
  providers: { builtin: AgentProvider; openaiCompatible?: AgentProvider };
  clock?: Clock;
  /** How long a reservation holds before the sweeper may void it. */
  reservationTtlSeconds?: number;
  /** Default time an agent may run. */
  defaultTimeoutMs?: number;
  /** How long catalog rows (encoding profile, rules, agents, matrix) are reused between runs; 0 re-reads them each run. */
  catalogTtlMs?: number;
  /** How long a run held for human review keeps its tokens (default 7 days). */
  reviewWindowSeconds?: number;
  /** Aborts the running agent (the request's client went away); the run ends `cancelled`. */
  signal?: AbortSignal;
}

/** The provider kinds runs may be matched to: the built-in agents always, the OpenAI-compatible one when configured. */
export function providerKinds(providers: PipelineDeps['providers']): Agent['provider'][] {
  return providers.openaiCompatible ? ['builtin', 'openai_compatible'] : ['builtin'];
}

/** A request to run one governed execution (`POST /agents/{id}/execute`). */
export const ExecutionRequestSchema = z
  .object({
    intentText: z.string().trim().min(1).max(20_000),
    dataspaceId: z.uuid().optional(),
    threadId: z.uuid().optional(),
    agentId: z.uuid().optional(),
    taskType: z
      .string()
      .regex(/^[a-z][a-z0-9_]{2,62}$/)
      .optional(),
    encodingProfileId: z.uuid().optional(),
    // the API takes keys of up to 200 characters (IDEMPOTENCY_KEY_MAX); a workflow step's run adds
    // `:step:<position>` to its run's key, which the column's 255 still holds
    idempotencyKey: z.string().min(1).max(255),
    timeoutMs: z.number().int().min(100).max(600_000).optional(),
  })
  .refine((r) => r.dataspaceId !== undefined || r.threadId !== undefined, {
    message: 'a run needs a scope: dataspaceId or threadId',
  });
/** A parsed execution request. */
export type ExecutionRequest = z.input<typeof ExecutionRequestSchema>;
/** An execution request once parsed (defaults applied). */
export type ExecutionRequestParsed = z.output<typeof ExecutionRequestSchema>;

/** A refusal or failure. */
export interface PipelineFailure {
  ok: false;
  code: PipelineCode;
  message: string;
  scope?: RefusingScope;
  executionId?: string;
  replayed: boolean;
  stages: StageRecord[];
  /** An intent the encoder could not read: phrasings it does read (the refusal charged nothing). */
  suggestions?: string[];
}

/** A succeeded run. */
export interface ExecutionSuccess {
  ok: true;
  executionId: string;
  replayed: boolean;
  /** The agent that answered, and the model that answered for it. */
  agent: { id: string; slug: string; name?: string; model?: string };
  eqs: number;
  tokens: { estimated: number; reserved: number; used: number; modelTokens: number };
  result: Record<string, unknown>;
  messageIds: string[];
  decisionIds: string[];
  memoryProposalIds: string[];
  stages: StageRecord[];
}

/** What runGovernedExecution returns. */
export type ExecutionResult = ExecutionSuccess | PipelineFailure;

export type { Claims };
