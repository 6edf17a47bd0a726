/**
 * A governed run asked again under its Idempotency-Key: the request's fingerprint, the run recorded
 * under the key, and the answer a retry gets (the first run's result, a held run, still running, or
 * the key reused with another request).
 */
import type { Tx } from '../dataAccess.ts';
import { failure } from './executeOpenRun.ts';
import type {
  ExecutionRequestParsed,
  ExecutionResult,
  PipelineCode,
  RefusingScope,
  StageRecord,
} from './types.ts';

/** SHA-256 hex of a string (Web Crypto: Node, Deno and browsers). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A recorded run, as a retry reads it. */
export interface ExecutionRow {
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
export function replay(row: ExecutionRow, requestHash: string): ExecutionResult {
  if (row.request_hash !== requestHash) {
    return failure('idempotency_key_reused', 'idempotency key reused with a different request', [], {
      executionId: row.id,
      scope: { type: 'request' },
      replayed: true,
    });
  }
  if (row.status === 'succeeded' && row.result) {
    const r = row.result as {
      output: Record<string, unknown>;
      agent: { id: string; slug: string; name?: string; model?: string };
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
  if (row.status === 'awaiting_review' || row.status === 'approved') {
    return failure('awaiting_review', `run ${row.id} is held for human review`, row.stages, {
      executionId: row.id,
      replayed: true,
    });
  }
  if (['failed', 'refused', 'rejected', 'cancelled'].includes(row.status)) {
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

/** The run the identity recorded under `key`, if any (read as the service). */
export async function findByKey(tx: Tx, identityId: string, key: string): Promise<ExecutionRow | undefined> {
  const [row] = await tx<ExecutionRow[]>`
    select id, status, request_hash, result, error, stages, tokens_estimated, tokens_reserved, tokens_used
    from public.agent_executions where runner_identity_id = ${identityId} and idempotency_key = ${key}`;
  return row;
}

/** The fingerprint of a run's request: what a retry under the same key must repeat. */
export function requestHashOf(req: ExecutionRequestParsed): Promise<string> {
  return sha256Hex(
    JSON.stringify([
      req.intentText,
      req.dataspaceId ?? null,
      req.threadId ?? null,
      req.agentId ?? null,
      req.taskType ?? null,
      req.encodingProfileId ?? null,
    ]),
  );
}
