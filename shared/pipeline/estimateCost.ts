/**
 * Cost estimate (pipeline step 4): how many CHE·NU tokens to reserve for a run before the agent is
 * final. Model tokens are estimated from the intent and the size of the scope's content, then, for
 * each candidate agent, fitted to its model (the prompt at most its context window less the answer,
 * the answer at most its `max_tokens`) and priced at its rate (`cost_per_1k_tokens`); the dearest
 * candidate is reserved, so the reservation bounds the settlement (at the picked agent's rate, on
 * the usage the provider reports). The answer size is also what the run asks the model for
 * (`max_tokens` of the request), so a model cannot write past what was reserved for it.
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

/** A candidate agent's model, as the estimate fits a run to it. */
export interface CandidateModel {
  /** CHE·NU tokens per 1,000 model tokens (`agents.cost_per_1k_tokens`). */
  ratePer1k: number;
  /** The model's context window (`agents.context_tokens`): prompt + answer. */
  contextTokens?: number;
  /** The longest answer the agent writes (`agents.max_tokens`). */
  maxOutputTokens?: number;
}

/** What the estimate is computed from. */
export interface CostInput {
  taskType: string;
  intentTokens: number;
  /** Number of content items (messages, notes, line items, memory items) the run may read. */
  contextItems: number;
  /** The agents that could be picked; the dearest fitted run is reserved. */
  candidates?: readonly CandidateModel[];
  /** Rates of the candidates when nothing else is known of their models (same as `candidates`). */
  candidateRates?: readonly number[];
  /** Cap on model tokens (prompt + answer) whatever the candidate. */
  maxModelTokens?: number;
}

/** The estimate: model tokens and the CHE·NU tokens to reserve. */
export interface CostEstimate {
  modelTokens: number;
  /** Of which the answer (the request's `max_tokens`). */
  outputTokens: number;
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
  const candidates: readonly CandidateModel[] =
    input.candidates ?? (input.candidateRates ?? []).map((ratePer1k) => ({ ratePer1k }));
  if (candidates.length === 0) throw new RangeError('estimateCost: no candidate agent rate');
  const expected = OUTPUT_TOKENS_BY_TASK[input.taskType] ?? DEFAULT_OUTPUT_TOKENS;
  const prompt = PROMPT_OVERHEAD_TOKENS + input.intentTokens + input.contextItems * TOKENS_PER_CONTEXT_ITEM;
  let best: CostEstimate | null = null;
  for (const c of candidates) {
    const output = Math.min(expected, c.maxOutputTokens ?? expected);
    const fitted =
      c.contextTokens !== undefined ? Math.min(prompt, Math.max(0, c.contextTokens - output)) : prompt;
    let modelTokens = fitted + output;
    if (input.maxModelTokens !== undefined) modelTokens = Math.min(modelTokens, input.maxModelTokens);
    const estimate = {
      modelTokens,
      outputTokens: output,
      ratePer1k: c.ratePer1k,
      tokens: Math.max(1, priceTokens(modelTokens, c.ratePer1k)),
    };
    if (
      !best ||
      estimate.tokens > best.tokens ||
      (estimate.tokens === best.tokens && output > best.outputTokens)
    ) {
      best = estimate;
    }
  }
  return best!;
}

/** A candidate agent row as the estimate reads it. */
export function candidateModel(agent: {
  cost_per_1k_tokens: number;
  max_tokens: number;
  context_tokens?: number | null;
}): CandidateModel {
  return {
    ratePer1k: agent.cost_per_1k_tokens,
    maxOutputTokens: agent.max_tokens,
    ...(agent.context_tokens ? { contextTokens: agent.context_tokens } : {}),
  };
}
