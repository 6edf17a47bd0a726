/**
 * Schemas of the governed endpoints: agents and their governed execution, the token ledger
 * (balance, transactions, budgets, allocations) and Nova. The bodies mirror what
 * supabase/functions/_shared (pipeline/, ledger/, nova/) return (camelCase, dates as ISO strings).
 */
import { z } from 'zod';
import { PageQuery, pageOf } from './common.ts';
import type { ApiErrorCode } from './errors.ts';
import * as t from './tables.generated.ts';

/** What a governed run may be refused with, beyond the codes every route may answer. */
export const GOVERNED_REFUSALS = [
  'scope_not_reachable',
  'encoding_rejected',
  'no_compatible_agent',
  'insufficient_balance',
  'budget_exceeded',
  'budget_ended',
  'provider_failed',
  'timeout',
] as const satisfies readonly ApiErrorCode[];

export const Agent = t.agentsRow.meta({ id: 'Agent' });
export const AgentCompatibility = t.agentCompatibilityMatrixRow.meta({ id: 'AgentCompatibility' });

/** `POST /agents/{id}/execute` (the Idempotency-Key header is required and names the run). */
export const AgentExecute = z
  .object({
    intentText: z.string().trim().min(1).max(20_000),
    dataspaceId: z.uuid().optional(),
    threadId: z.uuid().optional(),
    taskType: z
      .string()
      .regex(/^[a-z][a-z0-9_]{2,62}$/)
      .optional(),
    encodingProfileId: z.uuid().optional(),
    timeoutMs: z.number().int().min(100).max(600_000).optional(),
  })
  .refine((r) => r.dataspaceId !== undefined || r.threadId !== undefined, {
    message: 'a run needs a scope: dataspaceId or threadId',
    path: ['dataspaceId'],
  })
  .meta({ id: 'AgentExecute' });

const Stage = z.object({ stage: z.string() }).catchall(z.unknown());

/** A succeeded governed run. */
export const ExecutionSuccess = z
  .object({
    ok: z.literal(true),
    executionId: z.uuid(),
    replayed: z.boolean(),
    /** The agent that answered and the model that answered for it (as the provider reported it). */
    agent: z.object({
      id: z.uuid(),
      slug: z.string(),
      name: z.string().optional(),
      model: z.string().optional(),
    }),
    eqs: z.number(),
    tokens: z.object({
      estimated: z.number(),
      reserved: z.number(),
      used: z.number(),
      modelTokens: z.number(),
    }),
    result: z.record(z.string(), z.unknown()),
    messageIds: z.array(z.uuid()),
    decisionIds: z.array(z.uuid()),
    memoryProposalIds: z.array(z.uuid()),
    stages: z.array(Stage),
  })
  .meta({ id: 'ExecutionSuccess' });

/** Who refused (or would refuse) a run: the scope named by the ledger or the pipeline. */
const RefusingScope = z.object({
  type: z.enum(['request', 'identity', 'sphere', 'domain', 'dataspace', 'thread', 'agent']),
  id: z.string().optional(),
});

/**
 * `POST /agents/{id}/estimate` (same body as execute): pipeline steps 1–5 as a dry run. The encoded
 * intent and its EQS, the token estimate the run would reserve, and whether the active identity's
 * balance and budgets would accept it, with the first refusal the ledger would raise. Nothing is
 * reserved, locked or written.
 */
export const AgentEstimate = z
  .object({
    agent: z
      .object({
        id: z.uuid(),
        slug: z.string(),
        /** The run would wait for a reviewer before it executes (the compatibility entry's human_review). */
        humanReview: z.boolean().optional(),
      })
      .nullable(),
    taskType: z.string().nullable(),
    encoded: z.object({
      intent: z.record(z.string(), z.unknown()),
      text: z.string(),
      eqs: z.number(),
      minEqs: z.number(),
      passes: z.boolean(),
      issues: z.array(z.string()),
      tokensOriginal: z.number().int(),
      tokensEncoded: z.number().int(),
      tokensSaved: z.number().int(),
      /** Phrasings the encoder reads, when it recognised no action in this one (nothing is charged). */
      suggestions: z.array(z.string()),
    }),
    estimate: z
      .object({
        modelTokens: z.number(),
        /** Of which the answer: what the run asks the model for at most. */
        outputTokens: z.number().optional(),
        ratePer1k: z.number(),
        tokens: z.number(),
      })
      .nullable(),
    balance: z.object({ available: z.number() }),
    budgets: z.array(
      z.object({
        id: z.uuid(),
        scopeType: RefusingScope.shape.type,
        scopeId: z.uuid(),
        period: z.string(),
        amount: z.number(),
        /** Spent in the current period plus held. */
        committed: z.number(),
        /** Null for unlimited budgets. */
        remaining: z.number().nullable(),
      }),
    ),
    accepted: z.boolean(),
    refusal: z
      .object({
        code: z.enum([
          'insufficient_balance',
          'budget_exceeded',
          'budget_ended',
          'encoding_rejected',
          'no_compatible_agent',
        ]),
        message: z.string(),
        scope: RefusingScope,
      })
      .nullable(),
  })
  .meta({ id: 'AgentEstimate' });

/** `POST /agents/{id}/execute` when the run waits for a reviewer (HTTP 202): its hold is kept. */
export const ExecutionAwaitingReview = z
  .object({
    status: z.literal('awaiting_review'),
    executionId: z.uuid(),
    message: z.string(),
  })
  .meta({ id: 'ExecutionAwaitingReview' });

/** A run held for review, as its reviewers see it (`GET /agents/reviews`). */
export const PendingReview = z
  .object({
    execution_id: z.uuid(),
    intent_text: z.string(),
    task_type: z.string(),
    agent_id: z.uuid(),
    agent_slug: z.string(),
    agent_name: z.string(),
    tokens_reserved: z.number().int(),
    requested_at: z.string(),
    expires_at: z.string(),
    requester_name: z.string(),
    dataspace_name: z.string(),
  })
  .meta({ id: 'PendingReview' });

/** A reviewer's decision (`POST /agents/executions/{id}/approve|reject`). */
export const ReviewDecision = z
  .object({ note: z.string().trim().min(1).max(2000).optional() })
  .meta({ id: 'ReviewDecision' });

/** What a decision did: approval answers with the run's outcome. */
export const ReviewOutcome = z
  .object({
    state: z.enum(['approved', 'rejected', 'expired']),
    executionId: z.uuid(),
    run: ExecutionSuccess.optional(),
  })
  .meta({ id: 'ReviewOutcome' });

/** `POST /agents/executions/{id}/cancel`: the run's status after the request. */
export const CancelOutcome = z
  .object({ executionId: z.uuid(), status: z.string() })
  .meta({ id: 'CancelOutcome' });

/**
 * One governed run of a thread as its readers see it (`GET /agents/executions?thread_id=`): the
 * agent, the pipeline status as the table keeps it, the tokens estimated, held and used, who ran it
 * (an identity id: names are the room's to show) and when. The intent is cut to INTENT_EXCERPT_MAX.
 */
export const AgentRun = z
  .object({
    id: z.uuid(),
    thread_id: z.uuid(),
    dataspace_id: z.uuid(),
    agent_id: z.uuid(),
    /** null when the catalog no longer offers the agent (inactive agents are not readable). */
    agent_slug: z.string().nullable(),
    agent_name: z.string().nullable(),
    status: t.agentExecutionsRow.shape.status,
    task_type: z.string(),
    intent_excerpt: z.string(),
    tokens_estimated: z.number().int(),
    tokens_reserved: z.number().int(),
    tokens_used: z.number().int(),
    runner_identity_id: z.uuid().nullable(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'AgentRun' });

/** Longest intent excerpt a run list carries (characters). */
export const INTENT_EXCERPT_MAX = 200;

/** A page of a thread's runs, newest first. */
export const AgentRunPage = pageOf(AgentRun).meta({ id: 'AgentRunPage' });

/** Query of `GET /agents/executions`: the thread (required), then the usual page (limit 1–100, cursor). */
export const AgentRunsQuery = PageQuery.extend({ thread_id: z.uuid() });

export const TokenBalance = z
  .object({
    accountId: z.uuid(),
    balance: z.number(),
    reserved: z.number(),
    available: z.number(),
    lifetimeEarned: z.number(),
    lifetimeSpent: z.number(),
  })
  .meta({ id: 'TokenBalance' });

export const TokenTransaction = z
  .object({
    entryNo: z.number().int(),
    movementId: z.uuid(),
    kind: z.string(),
    type: z.string(),
    amount: z.number(),
    balanceAfter: z.number(),
    reservedAfter: z.number(),
    referenceType: z.string().nullable(),
    referenceId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'TokenTransaction' });

export const TokenBudget = z
  .object({
    id: z.uuid(),
    scopeType: z.string(),
    scopeId: z.uuid(),
    period: z.string(),
    amount: z.number(),
    spent: z.number(),
    reserved: z.number(),
    remaining: z.number().nullable(),
    periodStart: z.string(),
    periodEnd: z.string().nullable(),
    timeZone: z.string(),
  })
  .meta({ id: 'TokenBudget' });

/** `POST /tokens/allocate` (the Idempotency-Key header is required). */
export const TokenAllocate = z
  .object({
    scopeType: z.enum(['dataspace', 'thread']),
    scopeId: z.uuid(),
    amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  })
  .meta({ id: 'TokenAllocate' });

export const TokenAllocation = z
  .object({
    id: z.uuid(),
    scopeType: z.enum(['dataspace', 'thread']),
    scopeId: z.uuid(),
    amount: z.number(),
    budgetId: z.uuid(),
    movementId: z.uuid(),
    createdAt: z.string(),
  })
  .meta({ id: 'TokenAllocation' });

const NovaSuggestion = z.object({
  id: z.string(),
  kind: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  severity: z.enum(['low', 'medium', 'high']),
  title: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const NovaContextInput = z
  .object({
    sessionId: z.string().min(1).max(200),
    sphereId: z.uuid().optional(),
    dataspaceId: z.uuid().optional(),
  })
  .meta({ id: 'NovaContextInput' });

export const NovaContext = z
  .object({
    id: z.uuid(),
    sessionId: z.string(),
    currentSphereId: z.uuid().nullable(),
    currentDataspaceId: z.uuid().nullable(),
    contextState: z.record(z.string(), z.unknown()),
    suggestions: z.array(NovaSuggestion),
  })
  .meta({ id: 'NovaContext' });

export const NovaGuidanceInput = z
  .object({
    contextId: z.uuid(),
    suggestionId: z.string().min(1).max(200),
    action: z.enum(['accepted', 'dismissed']),
  })
  .meta({ id: 'NovaGuidanceInput' });

export const NovaGuidance = z
  .object({
    id: z.uuid(),
    suggestion: NovaSuggestion,
    action: z.enum(['shown', 'accepted', 'dismissed']),
    createdAt: z.string(),
  })
  .meta({ id: 'NovaGuidance' });
