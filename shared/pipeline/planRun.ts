/**
 * Planning a governed run (pipeline steps 2–4), in one pure function that the run itself
 * (supabase/functions/_shared/pipeline runGovernedExecution), its dry run (`POST /agents/{id}/estimate`) and a
 * workflow's single reservation (runWorkflow) all call: encode the intent (EQS), match an agent
 * that may do it in this place, and estimate what to reserve. The three plan the same run the same
 * way, so an estimate is what the run reserves and a workflow holds what its steps' runs ask for.
 */
import { candidateModel, estimateCost, type CostEstimate } from './estimateCost.ts';
import { encodeIntent, EncodingInputError, type EncodingResult } from './encodeIntent.ts';
import { taskTypesOfAgent } from './intentExamples.ts';
import { matchAgent, type MatchResult } from './matchAgent.ts';
import type { Agent, DOMAIN_KINDS, SPHERE_KINDS } from './schemas.ts';

/** How much content the run's scope holds (what the estimate prices, and memory law 8). */
export interface ScopeSizes {
  messages: number;
  decisions: number;
  meetingNotes: number;
  lineItems: number;
  memory: number;
  sensitiveMemory: boolean;
}

/** Number of content items a task type reads (what the estimate prices). */
export function contextItemsFor(taskType: string, sizes: ScopeSizes): number {
  switch (taskType) {
    case 'summarize_thread':
      return sizes.messages + sizes.decisions;
    case 'extract_tasks':
      return sizes.messages + sizes.meetingNotes;
    case 'draft_estimate':
      return sizes.lineItems;
    case 'answer_from_memory':
      return sizes.memory;
    default:
      return sizes.messages + sizes.memory;
  }
}

/** What is asked: the intent, and what the asker fixed. */
export interface RunPlanRequest {
  intentText: string;
  /** The task, when the asker names it (a workflow step's always does). */
  taskType?: string;
  /** The agent, when the asker names it (`POST /agents/{id}/…`, a workflow step's agent). */
  agentId?: string;
  /**
   * A workflow step: its task was fixed by whoever built the workflow, so an intent below the
   * profile's EQS is recorded, not refused (an agent's own `min_eqs` still applies).
   */
  workflowStep?: boolean;
}

/** Where the run would act, and the catalog it plans from. */
export interface RunPlanContext {
  scope: { dataspaceId: string; threadId: string | null; sphereKind: string; domainKind: string };
  sizes: ScopeSizes;
  /** The encoding profile and its rules, the agents and the compatibility matrix (rows as read). */
  profile: unknown;
  rules: readonly unknown[];
  agents: readonly unknown[];
  matrix: readonly unknown[];
  /** The provider kinds this deployment runs (an external agent needs its provider configured). */
  availableProviders: readonly Agent['provider'][];
}

/** A plan: the encoded intent, the agent that would run and the tokens to reserve. */
export interface RunPlanned {
  ok: true;
  encoding: EncodingResult;
  taskType: string;
  match: Extract<MatchResult, { ok: true }>;
  estimate: CostEstimate;
}

/** Why no run can be planned (nothing reserved; the refusal costs nothing). */
export type RunPlanRefused =
  | {
      ok: false;
      code: 'encoding_rejected';
      message: string;
      /** Null when the encoder refused the input itself (EncodingInputError). */
      encoding: EncodingResult | null;
      /** Phrasings the encoder reads, when it recognised no action. */
      suggestions: string[];
    }
  | { ok: false; code: 'no_compatible_agent'; message: string; encoding: EncodingResult; taskType: string };

/** {@link planRun}'s answer. */
export type RunPlan = RunPlanned | RunPlanRefused;

/** Each step of a plan as it completes (the run records them as its stages, with their timings). */
export type PlanStep =
  | { step: 'encoded'; encoding: EncodingResult }
  | { step: 'matched'; match: MatchResult }
  | { step: 'estimated'; estimate: CostEstimate };

/**
 * Plans one run: encodes `req.intentText` with the profile (narrowed to the named agent's tasks),
 * refuses an intent without a task or below the profile's EQS (unless a workflow step), matches
 * an agent for the scope's kinds (the named one only, if any) among the configured providers with
 * the scope's sensitive memory and the EQS, and prices the dearest fitting candidate on the
 * content the task reads. `observe` sees each step as it completes. Catalog rows that do not parse
 * throw (a broken catalog is no refusal).
 */
export function planRun(
  req: RunPlanRequest,
  ctx: RunPlanContext,
  observe: (step: PlanStep) => void = () => {},
): RunPlan {
  let encoding: EncodingResult;
  try {
    encoding = encodeIntent(req.intentText, ctx.profile, ctx.rules, {
      dataspaceId: ctx.scope.dataspaceId,
      ...(ctx.scope.threadId ? { threadId: ctx.scope.threadId } : {}),
      ...(req.taskType ? { taskType: req.taskType } : {}),
      ...(req.agentId ? { agentTaskTypes: taskTypesOfAgent(ctx.agents, req.agentId) } : {}),
    });
  } catch (error) {
    if (!(error instanceof EncodingInputError)) throw error;
    return { ok: false, code: error.code, message: error.message, encoding: null, suggestions: [] };
  }
  observe({ step: 'encoded', encoding });
  const taskType = encoding.intent.taskType;
  if (!taskType || (!encoding.passes && !req.workflowStep)) {
    return {
      ok: false,
      code: 'encoding_rejected',
      message: encoding.issues.join('; ') || 'no task type',
      encoding,
      suggestions: encoding.suggestions,
    };
  }

  const match = matchAgent(ctx.agents, ctx.matrix, {
    sphereKind: ctx.scope.sphereKind as (typeof SPHERE_KINDS)[number],
    domainKind: ctx.scope.domainKind as (typeof DOMAIN_KINDS)[number],
    taskType,
    scopeHasSensitiveMemory: ctx.sizes.sensitiveMemory,
    availableProviders: ctx.availableProviders,
    eqs: encoding.eqs,
    ...(req.agentId ? { agentId: req.agentId } : {}),
  });
  observe({ step: 'matched', match });
  if (!match.ok) return { ok: false, code: match.code, message: match.reason, encoding, taskType };

  const estimate = estimateCost({
    taskType,
    intentTokens: encoding.tokensOriginal,
    contextItems: contextItemsFor(taskType, ctx.sizes),
    candidates: match.candidates.map(candidateModel),
  });
  observe({ step: 'estimated', estimate });
  return { ok: true, encoding, taskType, match, estimate };
}
