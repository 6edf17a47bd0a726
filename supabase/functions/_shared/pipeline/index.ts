/**
 * The governed execution pipeline's API, for edge functions and the server:
 * - `runGovernedExecution(deps, claims, request)` — one governed run (`POST /agents/{id}/execute`);
 * - `runWorkflow(deps, claims, request)` — a 1-Click workflow (one reservation, one run per step);
 * - `decideReview` / `listPendingReviews` / `cancelRun` — human review of held runs, stopping a run;
 * - `createBuiltinProvider()` / `createOpenAiCompatibleProvider(config)` — the agent providers.
 * Nothing here imports `node:*`: it runs under Node and Deno (fetch, Web Crypto).
 */
export {
  runGovernedExecution,
  sha256Hex,
  DEFAULT_REVIEW_WINDOW_SECONDS,
  type WorkflowFunding,
} from './runGovernedExecution.ts';
export {
  cancelRun,
  decideReview,
  listPendingReviews,
  resumeApprovedRun,
  type PendingReview,
  type ReviewOutcome,
} from './reviewRuns.ts';
export {
  runWorkflow,
  WorkflowRequestSchema,
  type WorkflowRequest,
  type WorkflowResult,
  type StepOutcome,
} from './runWorkflow.ts';
export { createBuiltinProvider, BUILTIN_TASK_TYPES } from './providers/builtinAgents.ts';
export {
  createOpenAiCompatibleProvider,
  OpenAiCompatibleConfigSchema,
  OpenAiProviderSettingsSchema,
  type OpenAiCompatibleConfig,
  type OpenAiProviderSettings,
} from './providers/openAiCompatibleProvider.ts';
export {
  AgentOutputSchema,
  ProviderError,
  CONTEXT_NEEDS,
  type AgentOutput,
  type AgentProvider,
  type AgentRunInput,
  type BackstageContext,
} from './providers/AgentProvider.ts';
export * from './types.ts';
