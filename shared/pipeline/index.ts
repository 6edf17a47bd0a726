/** Pure rules of the governed execution pipeline: encoding + EQS, agent matching, cost estimate. */
export * from './schemas.ts';
export { compilePgRegex, PgRegexError } from './pgRegex.ts';
export { countTokens } from './tokens.ts';
export {
  encodeIntent,
  renderEncoded,
  EncodingInputError,
  MAX_INTENT_CHARS,
  type EncodeContext,
  type EncodingResult,
  type AmbiguityFinding,
} from './encodeIntent.ts';
export { INTENT_EXAMPLES, suggestPhrasings, taskTypesOfAgent } from './intentExamples.ts';
export {
  matchAgent,
  parseCatalog,
  DEFAULT_MIN_SCORE,
  type MatchRequest,
  type MatchResult,
  type Rejection,
} from './matchAgent.ts';
export {
  estimateCost,
  priceTokens,
  OUTPUT_TOKENS_BY_TASK,
  PROMPT_OVERHEAD_TOKENS,
  TOKENS_PER_CONTEXT_ITEM,
  type CostInput,
  type CostEstimate,
} from './estimateCost.ts';
