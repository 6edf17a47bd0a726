/**
 * The agent provider interface: what the pipeline hands an agent (the encoded intent and the
 * Backstage context gathered inside the scope lock) and what it must return. Outputs are parsed
 * with zod before anything is written, so a misbehaving provider fails the run cleanly.
 */
import { z } from 'zod';
import type { Agent, StructuredIntent } from '../../../../../shared/pipeline/schemas.ts';

/** The agent's context, as private.backstage_gather returns it (only the parts the task needs). */
export interface BackstageContext {
  messages?: { id: string; author_kind: string; body: string }[];
  decisions?: { id: string; title: string; status: string }[];
  meeting_notes?: { id: string; meeting: string; body: string }[];
  line_items?: {
    project: string;
    estimate_id: string;
    tax_rate: number | string;
    position: number;
    description: string;
    category: string;
    quantity: number | string;
    unit: string;
    unit_price_cents: number | string;
  }[];
  memory?: { id: string; kind: string; content: string }[];
  withheld_sensitive?: number;
  /** Workflow steps: values mapped from earlier steps (`input_mapping`). */
  input?: Record<string, unknown>;
}

/** Everything an agent is given for one run. */
export interface AgentRunInput {
  agent: Agent;
  taskType: string;
  intentText: string;
  intent: StructuredIntent;
  encodedText: string;
  context: BackstageContext;
  signal: AbortSignal;
  /** Completion tokens the run's estimate allows (the request's `max_tokens`). */
  maxOutputTokens?: number;
  /** Text as the model generates it (streaming providers call it; the pipeline relays it to the rooms). */
  onDelta?: (text: string) => void;
}

/** Memory kinds an agent may propose (law 7: proposals only). */
export const PROPOSAL_KINDS = ['fact', 'preference', 'summary', 'decision', 'task', 'note'] as const;

/** What an agent returns; `usage` is what settles the ledger. */
export const AgentOutputSchema = z.object({
  messages: z.array(z.string().min(1).max(20_000)).min(1).max(20),
  decisions: z
    .array(z.object({ title: z.string().min(1).max(300), rationale: z.string().max(10_000) }))
    .max(20),
  memoryProposals: z
    .array(z.object({ kind: z.enum(PROPOSAL_KINDS), content: z.string().min(1).max(20_000) }))
    .max(20),
  result: z.record(z.string(), z.unknown()),
  usage: z.object({
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
    totalTokens: z.number().int().min(0),
    source: z.enum(['provider', 'counted']),
  }),
  /** The model that answered, as the provider reported it (the agent's model otherwise). */
  model: z.string().min(1).max(200).optional(),
});
/** A parsed agent output. */
export type AgentOutput = z.infer<typeof AgentOutputSchema>;

/** A provider runs agents of one `agents.provider` kind. */
export interface AgentProvider {
  readonly kind: Agent['provider'];
  run(input: AgentRunInput): Promise<AgentOutput>;
}

/** A provider could not produce a result (HTTP error, malformed reply, timeout, the runner stopped it). */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    message: string,
    readonly code: 'provider_failed' | 'timeout' | 'cancelled' = 'provider_failed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Parts of the Backstage context each built-in task reads (the `p_needs` of backstage_gather). */
export const CONTEXT_NEEDS: Readonly<Record<string, readonly string[]>> = {
  summarize_thread: ['messages', 'decisions'],
  extract_tasks: ['messages', 'meeting_notes'],
  draft_estimate: ['line_items'],
  answer_from_memory: ['memory'],
};
