/**
 * The governed execution pipeline: intent → encoding → validation → cost estimate → reservation →
 * scope lock → agent matching → execution → result assembly → settlement → audit → results written
 * into the thread. Three short transactions bracket the agent call: reads as the user (RLS decides
 * reachability), then one service transaction that records the run, reserves, locks and gathers the
 * Backstage context, then one that settles and writes every result at once; a failure after the
 * reservation releases it, marks the run failed and writes nothing else.
 */
import { encodeIntent, type EncodingResult } from '../../shared/pipeline/encodeIntent.ts';
import { estimateCost, priceTokens } from '../../shared/pipeline/estimateCost.ts';
import { matchAgent } from '../../shared/pipeline/matchAgent.ts';
import type { Agent, DOMAIN_KINDS, SPHERE_KINDS } from '../../shared/pipeline/schemas.ts';
import type { Tx } from '../db/dataAccess.ts';
import { commit, ledgerRefusal, release, reserve, type BudgetScopes } from './ledgerCalls.ts';
import {
  activeIdentity,
  contextItemsFor,
  loadRunContext,
  loadScope,
  type RunContext,
} from './loadRunContext.ts';
import {
  AgentOutputSchema,
  CONTEXT_NEEDS,
  ProviderError,
  type AgentOutput,
  type AgentProvider,
  type BackstageContext,
} from './providers/AgentProvider.ts';
import { StageRecorder } from './StageRecorder.ts';
import {
  ExecutionRequestSchema,
  systemClock,
  type Claims,
  type ExecutionRequest,
  type ExecutionResult,
  type PipelineCode,
  type PipelineDeps,
  type PipelineFailure,
  type RefusingScope,
  type StageRecord,
} from './types.ts';

const DEFAULT_TTL_SECONDS = 900;
const DEFAULT_TIMEOUT_MS = 60_000;

/** How a run is paid for when a workflow holds the reservation (one hold, settled step by step). */
export interface WorkflowFunding {
  reservationId: string;
  /** Tokens of the workflow's hold not yet settled by earlier steps. */
  remaining: number;
  /** Settles this step inside the transaction that writes its results. */
  settle(tx: Tx, step: { executionId: string; charge: number; output: AgentOutput }): Promise<void>;
  /** Extra context for the agent (values mapped from earlier steps). */
  input?: Record<string, unknown>;
}

/** SHA-256 hex of a string (Web Crypto: Node, Deno and browsers). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function failure(
  code: PipelineCode,
  message: string,
  stages: StageRecord[],
  extra: Partial<PipelineFailure> = {},
): PipelineFailure {
  return { ok: false, code, message, stages, replayed: false, ...extra };
}

async function auditStages(
  tx: Tx,
  identityId: string,
  executionId: string | null,
  stages: StageRecord[],
): Promise<void> {
  if (stages.length === 0) return;
  await tx`select private.audit(${identityId}::uuid, 'pipeline.' || (s ->> 'stage'), 'agent_execution', ${executionId}::uuid, s)
           from jsonb_array_elements(${tx.json(stages as never)}) s`;
}

interface ExecutionRow {
  id: string;
  status: string;
  request_hash: string | null;
  result: Record<string, unknown> | null;
  error: { code?: PipelineCode; message?: string; scope?: RefusingScope } | null;
  stages: StageRecord[];
  tokens_estimated: number;
  tokens_reserved: number;
  tokens_used: number;
}

/** The answer to a retried request: the first run's result, or a clear conflict. */
function replay(row: ExecutionRow, requestHash: string): ExecutionResult {
  if (row.request_hash !== requestHash) {
    return failure('idempotency_conflict', 'idempotency key reused with a different request', [], {
      executionId: row.id,
      scope: { type: 'request' },
      replayed: true,
    });
  }
  if (row.status === 'succeeded' && row.result) {
    const r = row.result as {
      output: Record<string, unknown>;
      agent: { id: string; slug: string };
      eqs: number;
      model_tokens: number;
      message_ids: string[];
      decision_ids: string[];
      memory_proposal_ids: string[];
    };
    return {
      ok: true,
      executionId: row.id,
      replayed: true,
      agent: r.agent,
      eqs: r.eqs,
      tokens: {
        estimated: row.tokens_estimated,
        reserved: row.tokens_reserved,
        used: row.tokens_used,
        modelTokens: r.model_tokens,
      },
      result: r.output,
      messageIds: r.message_ids,
      decisionIds: r.decision_ids,
      memoryProposalIds: r.memory_proposal_ids,
      stages: row.stages,
    };
  }
  if (row.status === 'failed' || row.status === 'refused') {
    return failure(
      row.error?.code ?? 'provider_failed',
      row.error?.message ?? `run ${row.status}`,
      row.stages,
      {
        executionId: row.id,
        replayed: true,
        ...(row.error?.scope ? { scope: row.error.scope } : {}),
      },
    );
  }
  return failure(
    'in_progress',
    `run ${row.id} with this idempotency key is still ${row.status}`,
    row.stages,
    {
      executionId: row.id,
      replayed: true,
    },
  );
}

async function findByKey(tx: Tx, key: string): Promise<ExecutionRow | undefined> {
  const [row] = await tx<ExecutionRow[]>`
    select id, status, request_hash, result, error, stages, tokens_estimated, tokens_reserved, tokens_used
    from public.agent_executions where idempotency_key = ${key}`;
  return row;
}

async function runWithTimeout(
  provider: AgentProvider,
  input: Parameters<AgentProvider['run']>[0],
  ms: number,
): Promise<AgentOutput> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ProviderError(`agent did not finish within ${ms} ms`, 'timeout'));
    }, ms);
  });
  try {
    const output = await Promise.race([provider.run({ ...input, signal: controller.signal }), timedOut]);
    const parsed = AgentOutputSchema.safeParse(output);
    if (!parsed.success) throw new ProviderError(`agent output is malformed: ${parsed.error.message}`);
    return parsed.data;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one governed execution for the active identity of `claims`. Returns a Result: success with
 * the written ids, or a refusal/failure with a code and, for refusals, the refusing scope. A retry
 * with the same `idempotencyKey` returns the first run's Result (`replayed: true`); the same key
 * with another request is refused with `idempotency_conflict`.
 */
export async function runGovernedExecution(
  deps: PipelineDeps,
  claims: Claims,
  request: ExecutionRequest,
  funding?: WorkflowFunding,
): Promise<ExecutionResult> {
  const clock = deps.clock ?? systemClock;
  const rec = new StageRecorder(clock);
  const parsed = ExecutionRequestSchema.safeParse(request);
  if (!parsed.success) {
    return failure(
      'invalid_request',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
      [],
      {
        scope: { type: 'request' },
      },
    );
  }
  const req = parsed.data;
  const requestHash = await sha256Hex(
    JSON.stringify([
      req.intentText,
      req.dataspaceId ?? null,
      req.threadId ?? null,
      req.agentId ?? null,
      req.taskType ?? null,
      req.encodingProfileId ?? null,
    ]),
  );

  // validation reads, as the user -----------------------------------------------------------------
  type Prepared =
    | { kind: 'done'; result: ExecutionResult; identityId: string | null }
    | { kind: 'ready'; identityId: string; ctx: RunContext };
  const prepared: Prepared = await deps.data.withUser(claims, async (tx) => {
    const identityId = await activeIdentity(tx);
    if (!identityId) {
      return {
        kind: 'done',
        identityId: null,
        result: failure('scope_not_reachable', 'the request names no identity of the signed-in user', [], {
          scope: { type: 'identity' },
        }),
      } as const;
    }
    const existing = await findByKey(tx, req.idempotencyKey);
    if (existing) return { kind: 'done', identityId, result: replay(existing, requestHash) } as const;
    rec.done('intent', { chars: req.intentText.length });
    const scope = await loadScope(tx, identityId, req);
    if ('unreachable' in scope) {
      return {
        kind: 'done',
        identityId,
        result: failure(
          'scope_not_reachable',
          `${scope.unreachable.type} ${scope.unreachable.id} is not reachable by the active identity`,
          rec.stages,
          {
            scope: scope.unreachable,
          },
        ),
      } as const;
    }
    const ctx = await loadRunContext(tx, scope, req.encodingProfileId);
    if ('missingProfile' in ctx) {
      return {
        kind: 'done',
        identityId,
        result: failure(
          'invalid_request',
          `encoding profile ${ctx.missingProfile} does not exist`,
          rec.stages,
          { scope: { type: 'request' } },
        ),
      } as const;
    }
    return { kind: 'ready', identityId, ctx } as const;
  });
  if (prepared.kind === 'done') {
    if (!prepared.result.ok && !prepared.result.replayed && prepared.identityId) {
      await auditRefusal(deps, prepared.identityId, null, prepared.result);
    }
    return prepared.result;
  }
  const { identityId, ctx } = prepared;
  const { scope } = ctx;

  // encoding ---------------------------------------------------------------------------------------
  let encoding: EncodingResult;
  try {
    encoding = encodeIntent(req.intentText, ctx.profile, ctx.rules, {
      dataspaceId: scope.dataspaceId,
      ...(scope.threadId ? { threadId: scope.threadId } : {}),
      ...(req.taskType ? { taskType: req.taskType } : {}),
    });
  } catch (error) {
    const result = failure('encoding_rejected', (error as Error).message, rec.stages, {
      scope: { type: 'request' },
    });
    await auditRefusal(deps, identityId, null, result);
    return result;
  }
  rec.done('encoding', {
    eqs: encoding.eqs,
    task_type: encoding.intent.taskType,
    tokens_saved: encoding.tokensSaved,
  });
  const taskType = encoding.intent.taskType;
  // a workflow step's task was fixed by the human who built the workflow: its EQS is recorded, not gated
  if (!taskType || (!encoding.passes && !funding)) {
    const result = failure('encoding_rejected', encoding.issues.join('; '), rec.stages, {
      scope: { type: 'request' },
    });
    await auditRefusal(deps, identityId, null, result);
    return result;
  }

  // validation: an agent can do this here at all (law 8 on the scope as it is now) -------------------
  const kinds = {
    sphereKind: scope.sphereKind as (typeof SPHERE_KINDS)[number],
    domainKind: scope.domainKind as (typeof DOMAIN_KINDS)[number],
  };
  const availableProviders: Agent['provider'][] = deps.providers.openaiCompatible
    ? ['builtin', 'openai_compatible']
    : ['builtin'];
  const preMatch = matchAgent(ctx.agents, ctx.matrix, {
    ...kinds,
    taskType,
    scopeHasSensitiveMemory: ctx.stats.sensitiveMemory,
    availableProviders,
    eqs: encoding.eqs,
    ...(req.agentId ? { agentId: req.agentId } : {}),
  });
  if (!preMatch.ok) {
    rec.done('validating', { ok: false }, false);
    const result = failure('no_compatible_agent', preMatch.reason, rec.stages, {
      scope: req.agentId ? { type: 'agent', id: req.agentId } : { type: 'dataspace', id: scope.dataspaceId },
    });
    await auditRefusal(deps, identityId, null, result);
    return result;
  }
  rec.done('validating', {
    sphere_kind: scope.sphereKind,
    domain_kind: scope.domainKind,
    candidates: preMatch.candidates.length,
  });

  // cost estimate ----------------------------------------------------------------------------------
  const estimate = estimateCost({
    taskType,
    intentTokens: encoding.tokensOriginal,
    contextItems: contextItemsFor(taskType, ctx.stats),
    candidateRates: preMatch.candidates.map((a) => a.cost_per_1k_tokens),
    maxModelTokens: Math.max(...preMatch.candidates.map((a) => a.max_tokens)),
  });
  const reserveAmount = funding ? Math.min(estimate.tokens, funding.remaining) : estimate.tokens;
  rec.done('estimating', {
    model_tokens: estimate.modelTokens,
    rate_per_1k: estimate.ratePer1k,
    tokens: estimate.tokens,
  });

  // record, reserve, lock, match, gather -----------------------------------------------------------
  const executionId = globalThis.crypto.randomUUID();
  const key = req.idempotencyKey;
  const budgetScopes: BudgetScopes = {
    sphere: scope.sphereId,
    dataspace: scope.dataspaceId,
    ...(scope.domainId ? { domain: scope.domainId } : {}),
    ...(scope.threadId ? { thread: scope.threadId } : {}),
  };
  type Opened =
    | { kind: 'refused'; result: ExecutionResult }
    | { kind: 'replay'; row: ExecutionRow }
    | {
        kind: 'open';
        reservationId: string;
        reserved: number;
        lockId: string;
        agent: Agent;
        context: BackstageContext;
        humanReview: boolean;
      };
  const opened: Opened = await deps.data
    .withService(async (tx) => {
      const [intentRow] = await tx<{ id: string }[]>`
      insert into public.encoded_intents (identity_id, thread_id, profile_id, original_text, encoded, eqs, tokens_original, tokens_encoded)
      values (${identityId}, ${scope.threadId}, ${ctx.profile.id}, ${req.intentText}, ${tx.json(encoding.intent as never)},
              ${encoding.eqs}, ${encoding.tokensOriginal}, ${encoding.tokensEncoded})
      returning id`;
      const inserted = await tx`
      insert into public.agent_executions (id, identity_id, user_id, agent_id, thread_id, dataspace_id, status, intent_text, task_type,
                                           encoded_intent_id, tokens_estimated, idempotency_key, request_hash, started_at, stages)
      values (${executionId}, ${identityId}, ${claims.sub ?? null}, ${preMatch.agent.id}, ${scope.threadId}, ${scope.dataspaceId},
              'estimating', ${req.intentText}, ${taskType}, ${intentRow!.id}, ${estimate.tokens}, ${key}, ${requestHash},
              ${clock.now()}, ${tx.json(rec.stages as never)})
      on conflict (identity_id, idempotency_key) do nothing
      returning id`;
      if (inserted.length === 0) {
        const row = await findByKey(tx, key);
        throw Object.assign(new Error('replay'), { replayRow: row });
      }

      let reservationId: string;
      let reserved: number;
      if (funding) {
        reservationId = funding.reservationId;
        reserved = reserveAmount;
        rec.done('reserved', { reservation_id: reservationId, tokens: reserved, covered_by: 'workflow' });
      } else {
        try {
          const hold = await tx.savepoint((sp) =>
            reserve(
              sp,
              identityId,
              reserveAmount,
              `${key}:reserve`,
              { type: 'agent_execution', id: executionId },
              deps.reservationTtlSeconds ?? DEFAULT_TTL_SECONDS,
              budgetScopes,
            ),
          );
          reservationId = hold.id;
          reserved = hold.amount;
        } catch (error) {
          const refusal = ledgerRefusal(error, identityId);
          if (!refusal) throw error;
          rec.done('reserved', { refused: refusal.code }, false);
          const result = failure(refusal.code, refusal.message, rec.stages, {
            scope: refusal.scope,
            executionId,
          });
          await finishRow(tx, executionId, 'refused', result, clock);
          await auditStages(tx, identityId, executionId, rec.stages);
          return { kind: 'refused', result } as const;
        }
        rec.done('reserved', { reservation_id: reservationId, tokens: reserved });
      }

      const [lock] = await tx<
        { lock: { id: string; memory_item_ids: string[]; sensitive_memory_item_ids: string[] } }[]
      >`
      select private.scope_lock_acquire(${identityId}, ${executionId}, ${scope.threadId}, ${[scope.dataspaceId]}::uuid[],
                                        ${scope.threadId ? [scope.threadId] : []}::uuid[]) as lock`;
      const lockRow = lock!.lock;
      rec.done('locked', { scope_lock_id: lockRow.id, memory_items: lockRow.memory_item_ids.length });

      const match = matchAgent(ctx.agents, ctx.matrix, {
        ...kinds,
        taskType,
        scopeHasSensitiveMemory: lockRow.sensitive_memory_item_ids.length > 0,
        availableProviders,
        eqs: encoding.eqs,
        ...(req.agentId ? { agentId: req.agentId } : {}),
      });
      if (!match.ok) {
        rec.done('matched', { refused: match.reason }, false);
        if (!funding) await release(tx, reservationId, `${key}:release`);
        await tx`select private.scope_lock_release(${lockRow.id})`;
        const result = failure('no_compatible_agent', match.reason, rec.stages, {
          scope: req.agentId
            ? { type: 'agent', id: req.agentId }
            : { type: 'dataspace', id: scope.dataspaceId },
          executionId,
        });
        await finishRow(tx, executionId, 'refused', result, clock, {
          reservationId: funding ? null : reservationId,
        });
        await auditStages(tx, identityId, executionId, rec.stages);
        return { kind: 'refused', result } as const;
      }
      rec.done('matched', { agent: match.agent.slug, score: match.score, constraints: match.constraints });

      const [gathered] = await tx<{ ctx: BackstageContext & { backstage_context_id: string } }[]>`
      select private.backstage_gather(${lockRow.id}, ${CONTEXT_NEEDS[taskType] ?? ['messages', 'memory']}::text[],
                                      ${match.agent.external}) as ctx`;
      await tx`
      update public.agent_executions
      set status = 'running', agent_id = ${match.agent.id}, reservation_id = ${reservationId}, tokens_reserved = ${reserved},
          stages = ${tx.json(rec.stages as never)}
      where id = ${executionId}`;
      await auditStages(tx, identityId, executionId, rec.stages);
      return {
        kind: 'open',
        reservationId,
        reserved,
        lockId: lockRow.id,
        agent: match.agent,
        context: { ...gathered!.ctx, ...(funding?.input ? { input: funding.input } : {}) },
        humanReview: match.constraints.human_review === true,
      } as const;
    })
    .catch((error: unknown) => {
      const row = (error as { replayRow?: ExecutionRow }).replayRow;
      if (row) return { kind: 'replay', row } as const;
      throw error;
    });
  if (opened.kind === 'replay') return replay(opened.row, requestHash);
  if (opened.kind === 'refused') return opened.result;
  const auditedUpTo = rec.stages.length;

  // execution --------------------------------------------------------------------------------------
  const provider =
    opened.agent.provider === 'builtin' ? deps.providers.builtin : deps.providers.openaiCompatible;
  let output: AgentOutput;
  try {
    if (!provider) throw new ProviderError(`provider ${opened.agent.provider} is not configured`);
    output = await runWithTimeout(
      provider,
      {
        agent: opened.agent,
        taskType,
        intentText: req.intentText,
        intent: encoding.intent,
        encodedText: encoding.encodedText,
        context: opened.context,
        signal: new AbortController().signal,
      },
      req.timeoutMs ?? deps.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    rec.done('running', { model_tokens: output.usage.totalTokens, usage_source: output.usage.source });
  } catch (error) {
    rec.done('running', { error: (error as Error).message }, false);
    const code: PipelineCode = error instanceof ProviderError ? error.code : 'provider_failed';
    return failRun(
      deps,
      { identityId, executionId, key, funding, opened, clock, rec, auditedUpTo },
      code,
      (error as Error).message,
    );
  }

  // assembly + settle + persist + audit, all or nothing ---------------------------------------------
  const charge = Math.min(
    opened.reserved,
    priceTokens(output.usage.totalTokens, opened.agent.cost_per_1k_tokens),
  );
  rec.done('assembling', {
    messages: output.messages.length,
    decisions: output.decisions.length,
    memory_proposals: output.memoryProposals.length,
  });
  try {
    return await deps.data.withService(async (tx) => {
      if (funding) await funding.settle(tx, { executionId, charge, output });
      else await commit(tx, opened.reservationId, charge, `${key}:commit`);
      rec.done('settling', { charged: charge, released: opened.reserved - charge });

      const messageIds: string[] = [];
      const decisionIds: string[] = [];
      const memoryIds: string[] = [];
      if (scope.threadId) {
        for (const body of output.messages) {
          const [m] = await tx<{ id: string }[]>`
            insert into public.messages (identity_id, thread_id, author_kind, agent_execution_id, body)
            values (${identityId}, ${scope.threadId}, 'agent', ${executionId}, ${body}) returning id`;
          messageIds.push(m!.id);
        }
        for (const d of output.decisions) {
          const [row] = await tx<{ id: string }[]>`
            insert into public.decisions (identity_id, thread_id, message_id, title, rationale, status)
            values (${identityId}, ${scope.threadId}, ${messageIds[0] ?? null}, ${d.title}, ${d.rationale}, 'proposed') returning id`;
          decisionIds.push(row!.id);
        }
      }
      for (const p of output.memoryProposals) {
        const [row] = await tx<{ id: string }[]>`
          insert into public.memory_items (identity_id, user_id, dataspace_id, thread_id, source_type, source_id, kind, content,
                                           status, origin, proposed_by_execution_id)
          values (${identityId}, ${claims.sub ?? null}, ${scope.dataspaceId}, ${scope.threadId}, 'agent_execution', ${executionId},
                  ${p.kind}, ${p.content}, 'proposed', 'agent', ${executionId}) returning id`;
        memoryIds.push(row!.id);
      }
      if (memoryIds.length > 0) {
        // law 10: every agent write to memory is audited
        await tx`select private.audit(${identityId}::uuid, 'memory.proposed_by_agent', 'memory_item', id,
                                      jsonb_build_object('execution_id', ${executionId}::uuid))
                 from unnest(${memoryIds}::uuid[]) id`;
      }
      await tx`select private.scope_lock_release(${opened.lockId})`;
      rec.done('persisting', {
        messages: messageIds.length,
        decisions: decisionIds.length,
        memory_proposals: memoryIds.length,
      });
      rec.done('audited');
      const result = {
        output: output.result,
        agent: { id: opened.agent.id, slug: opened.agent.slug },
        eqs: encoding.eqs,
        model_tokens: output.usage.totalTokens,
        usage: output.usage,
        human_review: opened.humanReview,
        message_ids: messageIds,
        decision_ids: decisionIds,
        memory_proposal_ids: memoryIds,
      };
      await tx`
        update public.agent_executions
        set status = 'succeeded', result = ${tx.json(result as never)}, tokens_used = ${charge}, finished_at = ${clock.now()},
            stages = ${tx.json(rec.stages as never)}
        where id = ${executionId}`;
      await auditStages(tx, identityId, executionId, rec.stages.slice(auditedUpTo));
      return {
        ok: true,
        executionId,
        replayed: false,
        agent: result.agent,
        eqs: encoding.eqs,
        tokens: {
          estimated: estimate.tokens,
          reserved: opened.reserved,
          used: charge,
          modelTokens: output.usage.totalTokens,
        },
        result: output.result,
        messageIds,
        decisionIds,
        memoryProposalIds: memoryIds,
        stages: rec.stages,
      } satisfies ExecutionResult;
    });
  } catch (error) {
    rec.done('persisting', { error: (error as Error).message }, false);
    return failRun(
      deps,
      { identityId, executionId, key, funding, opened, clock, rec, auditedUpTo },
      'provider_failed',
      `results could not be written: ${(error as Error).message}`,
    );
  }
}

async function finishRow(
  tx: Tx,
  executionId: string,
  status: 'refused' | 'failed',
  result: PipelineFailure,
  clock: { now(): Date },
  extra: { reservationId?: string | null } = {},
): Promise<void> {
  const error = {
    code: result.code,
    message: result.message,
    ...(result.scope ? { scope: result.scope } : {}),
  };
  await tx`
    update public.agent_executions
    set status = ${status}, error = ${tx.json(error as never)}, finished_at = ${clock.now()}, stages = ${tx.json(result.stages as never)},
        reservation_id = coalesce(${extra.reservationId ?? null}::uuid, reservation_id)
    where id = ${executionId}`;
}

/** A refusal before any execution row exists still lands on the identity's audit chain. */
async function auditRefusal(
  deps: PipelineDeps,
  identityId: string,
  executionId: string | null,
  result: PipelineFailure,
): Promise<void> {
  await deps.data.withService(
    (tx) =>
      tx`select private.audit(${identityId}::uuid, 'pipeline.refused', 'agent_execution', ${executionId}::uuid,
                            ${tx.json({ code: result.code, message: result.message, scope: result.scope ?? null, stages: result.stages } as never)})`,
  );
}

/** Provider or write failure: hold released (or left to the workflow), lock released, run failed, nothing else written. */
async function failRun(
  deps: PipelineDeps,
  run: {
    identityId: string;
    executionId: string;
    key: string;
    funding: WorkflowFunding | undefined;
    opened: { reservationId: string; lockId: string };
    clock: { now(): Date };
    rec: StageRecorder;
    auditedUpTo: number;
  },
  code: PipelineCode,
  message: string,
): Promise<PipelineFailure> {
  return deps.data.withService(async (tx) => {
    if (!run.funding) await release(tx, run.opened.reservationId, `${run.key}:release`);
    await tx`select private.scope_lock_release(${run.opened.lockId})`;
    run.rec.done('released', { reservation_id: run.opened.reservationId });
    const result = failure(code, message, run.rec.stages, { executionId: run.executionId });
    await finishRow(tx, run.executionId, 'failed', result, run.clock);
    await auditStages(tx, run.identityId, run.executionId, run.rec.stages.slice(run.auditedUpTo));
    return result;
  });
}
