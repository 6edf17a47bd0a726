/**
 * Thread export/import as `.chenu` documents (`GET /threads/{id}/export`, `POST /threads/import`).
 * Each takes the transaction of a user request (`withUser`): export reads through RLS (and writes a
 * 'chenu.export' link to the active identity's audit chain, whose head the document then carries);
 * import validates the document with shared/chenu's schema and hands it to
 * private.chenu_import_thread, which enforces the identity rules. No `node:*` imports (Deno).
 */
import { z } from 'zod';
import {
  CHENU_SCHEMA_VERSION,
  CHENU_THREAD_FORMAT,
  ChenuThreadArtifact,
  parseChenuThreadArtifact,
} from '../../../../shared/chenu/threadArtifact.ts';
import { ERROR_CODES, type ErrorCode } from '../../../../shared/api/errors.ts';
import type { Tx } from '../dataAccess.ts';

/** Codes the thread artifact API refuses with: codes of the one table (shared/api/errors.ts). */
export const CHENU_ERROR_CODES = [
  'validation_failed',
  'not_found',
  'forbidden',
] as const satisfies readonly ErrorCode[];

/** A refused export or import. */
export class ChenuError extends Error {
  readonly status: number;
  constructor(
    readonly code: (typeof CHENU_ERROR_CODES)[number],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ChenuError';
    this.status = ERROR_CODES[code];
  }
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * Exports a thread the request can read as a `.chenu` document (validated before it is returned).
 * Executions whose agent the request cannot see are left out.
 */
export async function exportThread(tx: Tx, threadId: string): Promise<ChenuThreadArtifact> {
  if (!z.uuid().safeParse(threadId).success)
    throw new ChenuError('validation_failed', `not a thread id: ${threadId}`);
  const [t] = await tx<
    {
      id: string;
      dataspace_id: string;
      identity_id: string;
      title: string;
      status: 'open' | 'archived';
      scope_locked: boolean;
      token_budget: string | null;
      tokens_consumed: string;
      created_at: Date;
      last_activity_at: Date;
    }[]
  >`select id, dataspace_id, identity_id, title, status, scope_locked, token_budget::text, tokens_consumed::text,
           created_at, last_activity_at
    from public.threads where id = ${threadId}`;
  if (!t) throw new ChenuError('not_found', `no thread ${threadId} visible to the active identity`);

  const messages = await tx<
    {
      id: string;
      author_kind: 'human' | 'agent' | 'system';
      author_identity_id: string | null;
      agent_execution_id: string | null;
      body: string;
      created_at: Date;
    }[]
  >`select id, author_kind, author_identity_id, agent_execution_id, body, created_at
    from public.messages where thread_id = ${threadId} order by created_at, id`;
  const decisions = await tx<
    {
      id: string;
      message_id: string | null;
      title: string;
      rationale: string;
      status: 'proposed' | 'accepted' | 'rejected' | 'superseded';
      decided_at: Date | null;
      created_at: Date;
    }[]
  >`select id, message_id, title, rationale, status, decided_at, created_at
    from public.decisions where thread_id = ${threadId} order by created_at, id`;
  const executions = await tx<
    {
      id: string;
      slug: string;
      status: ChenuThreadArtifact['executions'][number]['status'];
      intent_text: string;
      task_type: string;
      stages: unknown[];
      tokens_estimated: number;
      tokens_reserved: number;
      tokens_used: number;
      result: unknown;
      error: unknown;
      started_at: Date | null;
      finished_at: Date | null;
      created_at: Date;
    }[]
  >`select e.id, a.slug, e.status, e.intent_text, e.task_type, e.stages, e.tokens_estimated, e.tokens_reserved,
           e.tokens_used, e.result, e.error, e.started_at, e.finished_at, e.created_at
    from public.agent_executions e join public.agents a on a.id = e.agent_id
    where e.thread_id = ${threadId} order by e.created_at, e.id`;
  const budgets = await tx<
    {
      period: 'daily' | 'weekly' | 'monthly' | 'project' | 'unlimited';
      amount: string;
      spent: string;
      reserved: string;
      period_start: Date;
      period_end: Date | null;
      time_zone: string;
    }[]
  >`select period, amount::text, spent::text, reserved::text, period_start, period_end, time_zone
    from public.token_budgets where scope_type = 'thread' and scope_id = ${threadId} order by period`;

  await tx`select private.audit_self('chenu.export', 'thread', ${threadId},
                                     ${tx.json({ messages: messages.length, decisions: decisions.length })})`;
  const [head] = await tx<{ identity_id: string; seq: string; hash: string }[]>`
    select identity_id, seq::text, encode(hash, 'hex') as hash from public.audit_log
    where identity_id = (select private.active_identity_id()) order by seq desc limit 1`;

  const exportedIds = new Set(executions.map((e) => e.id));
  const doc = {
    format: CHENU_THREAD_FORMAT,
    schemaVersion: CHENU_SCHEMA_VERSION,
    exportedAt: new Date().toISOString(),
    source: { threadId: t.id, dataspaceId: t.dataspace_id, identityId: t.identity_id },
    thread: {
      title: t.title,
      status: t.status,
      scopeLocked: t.scope_locked,
      createdAt: t.created_at.toISOString(),
      lastActivityAt: t.last_activity_at.toISOString(),
    },
    messages: messages.map((m) => ({
      id: m.id,
      authorKind: m.author_kind,
      authorIdentityId: m.author_identity_id,
      agentExecutionId:
        m.agent_execution_id !== null && exportedIds.has(m.agent_execution_id) ? m.agent_execution_id : null,
      body: m.body,
      createdAt: m.created_at.toISOString(),
    })),
    decisions: decisions.map((d) => ({
      id: d.id,
      messageId: d.message_id,
      title: d.title,
      rationale: d.rationale,
      status: d.status,
      decidedAt: iso(d.decided_at),
      createdAt: d.created_at.toISOString(),
    })),
    executions: executions.map((e) => ({
      id: e.id,
      agentSlug: e.slug,
      status: e.status,
      intentText: e.intent_text,
      taskType: e.task_type,
      stages: e.stages,
      tokensEstimated: e.tokens_estimated,
      tokensReserved: e.tokens_reserved,
      tokensUsed: e.tokens_used,
      result: e.result ?? null,
      error: e.error ?? null,
      startedAt: iso(e.started_at),
      finishedAt: iso(e.finished_at),
      createdAt: e.created_at.toISOString(),
    })),
    budget: {
      tokenBudget: t.token_budget === null ? null : Number(t.token_budget),
      tokensConsumed: Number(t.tokens_consumed),
      budgets: budgets.map((b) => ({
        period: b.period,
        amount: Number(b.amount),
        spent: Number(b.spent),
        reserved: Number(b.reserved),
        periodStart: b.period_start.toISOString(),
        periodEnd: iso(b.period_end),
        timeZone: b.time_zone,
      })),
    },
    audit: {
      chainHead: head ? { identityId: head.identity_id, seq: Number(head.seq), hash: head.hash } : null,
    },
  };
  // what we write must be what we read back: a failure here is a bug, not bad input
  return ChenuThreadArtifact.parse(doc);
}

/** What an import created. */
export interface ChenuImportResult {
  threadId: string;
  messages: number;
  decisions: number;
  executions: number;
  /** Executions whose agent this deployment does not have. */
  skippedExecutions: number;
}

/**
 * Imports a `.chenu` document (JSON text or value) into a dataspace of the active identity, with
 * new ids, audited. Refuses a malformed document (`validation_failed`, naming what is wrong) and a
 * dataspace the active identity does not own (`forbidden`).
 */
export async function importThread(
  tx: Tx,
  dataspaceId: string,
  document: unknown,
): Promise<ChenuImportResult> {
  if (!z.uuid().safeParse(dataspaceId).success) {
    throw new ChenuError('validation_failed', `not a dataspace id: ${dataspaceId}`);
  }
  const parsed = parseChenuThreadArtifact(document);
  if (!parsed.ok) throw new ChenuError('validation_failed', parsed.error);
  try {
    const [r] = await tx<
      {
        result: {
          thread_id: string;
          messages: number;
          decisions: number;
          executions: number;
          skipped_executions: number;
        };
      }[]
    >`
      select private.chenu_import_thread(${dataspaceId}, ${tx.json(parsed.artifact as never)}) as result`;
    const x = r!.result;
    return {
      threadId: x.thread_id,
      messages: x.messages,
      decisions: x.decisions,
      executions: x.executions,
      skippedExecutions: x.skipped_executions,
    };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === '42501') throw new ChenuError('forbidden', e.message ?? 'forbidden', { cause: error });
    if (e.code === '22023' || e.code === '23514') {
      throw new ChenuError('validation_failed', `.chenu: ${e.message ?? 'rejected'}`, { cause: error });
    }
    throw error;
  }
}
