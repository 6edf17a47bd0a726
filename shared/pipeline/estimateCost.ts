/**
 * Cost estimate (pipeline step 4): how many CHE·NU tokens to reserve for a run before the agent is
 * final. Model tokens are estimated from the intent and the size of the scope's content, then priced
 * at the dearest candidate agent's rate, so the reservation is an upper bound the settlement (at the
 * picked agent's rate, on reported usage) never exceeds.
 */

/** Expected completion size per task type, in model tokens. */
export const OUTPUT_TOKENS_BY_TASK: Readonly<Record<string, number>> = {
  summarize_thread: 400,
  extract_tasks: 400,
  draft_estimate: 600,
  answer_from_memory: 300,
};
const DEFAULT_OUTPUT_TOKENS = 500;
/** Prompt overhead of instructions and framing, in model tokens. */
export const PROMPT_OVERHEAD_TOKENS = 150;
/** Model tokens counted per item of scope content (message, note, line item, memory item). */
export const TOKENS_PER_CONTEXT_ITEM = 80;

/** What the estimate is computed from. */
export interface CostInput {
  taskType: string;
  intentTokens: number;
  /** Number of content items (messages, notes, line items, memory items) the run may read. */
  contextItems: number;
  /** Rates (`cost_per_1k_tokens`) of the agents that could be picked; the highest is used. */
  candidateRates: readonly number[];
  /** Cap on model tokens (the agents' `max_tokens`, smallest candidate). */
  maxModelTokens?: number;
}

/** The estimate: model tokens and the CHE·NU tokens to reserve. */
export interface CostEstimate {
  modelTokens: number;
  ratePer1k: number;
  tokens: number;
}

/** Prices `modelTokens` at `ratePer1k` CHE·NU tokens per 1,000, rounded up (never 0 for a run). */
export function priceTokens(modelTokens: number, ratePer1k: number): number {
  if (!Number.isFinite(modelTokens) || modelTokens < 0)
    throw new RangeError('priceTokens: model tokens must be >= 0');
  if (!Number.isFinite(ratePer1k) || ratePer1k < 0) throw new RangeError('priceTokens: rate must be >= 0');
  return Math.ceil((modelTokens * ratePer1k) / 1000);
}

/** Estimates a run's cost; throws RangeError on negative or non-finite input. */
export function estimateCost(input: CostInput): CostEstimate {
  if (input.intentTokens < 0 || input.contextItems < 0)
    throw new RangeError('estimateCost: counts must be >= 0');
  if (input.candidateRates.length === 0) throw new RangeError('estimateCost: no candidate agent rate');
  const output = OUTPUT_TOKENS_BY_TASK[input.taskType] ?? DEFAULT_OUTPUT_TOKENS;
  let modelTokens =
    PROMPT_OVERHEAD_TOKENS + input.intentTokens + input.contextItems * TOKENS_PER_CONTEXT_ITEM + output;
  if (input.maxModelTokens !== undefined) modelTokens = Math.min(modelTokens, input.maxModelTokens);
  const ratePer1k = Math.max(...input.candidateRates);
  return { modelTokens, ratePer1k, tokens: Math.max(1, priceTokens(modelTokens, ratePer1k)) };
}
