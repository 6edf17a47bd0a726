/**
 * `GET /agents/executions?thread_id=`: a thread's governed runs, newest first, a keyset page at a
 * time (the cursor of crud's lists). ONE read statement as the user (`userStatement`): RLS on
 * agent_executions decides which runs exist for the caller — the thread's readers (owner, members
 * from viewer up, meeting seats of its meeting, elevations) see them, nobody else. An empty page
 * asks whether the thread itself is visible, so another's thread is the same 404 as none at all.
 */
import type { z } from 'zod';
import { INTENT_EXCERPT_MAX, type AgentRun } from '../../../shared/api/governed.ts';
import type { Claims, DataAccess } from '../_shared/dataAccess.ts';
import { assertVisible, decodeCursor, mapped, pageFrom } from '../_shared/crud.ts';

/** The page a caller asked for (validated by the route's AgentRunsQuery). */
export interface RunsQuery {
  thread_id: string;
  limit: number;
  cursor?: string;
}

/** The page of thread `query.thread_id`'s runs the caller may read; 404 when the thread is not. */
export async function listThreadRuns(
  db: DataAccess,
  claims: Claims,
  query: RunsQuery,
): Promise<{ data: z.infer<typeof AgentRun>[]; next_cursor: string | null }> {
  // decoded before any statement: a forged cursor is a 400, never a database error
  const after = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await mapped('read', () =>
    db.userStatement(
      claims,
      (sql) => sql<{ r: Record<string, unknown> }[]>`
        select row_to_json(p) as r from (
          select e.id, e.thread_id, e.dataspace_id, e.agent_id, a.slug as agent_slug, a.name as agent_name,
                 e.status, e.task_type, left(e.intent_text, ${INTENT_EXCERPT_MAX}) as intent_excerpt,
                 e.tokens_estimated, e.tokens_reserved, e.tokens_used, e.runner_identity_id,
                 e.started_at, e.finished_at, e.created_at
          from public.agent_executions e
          left join public.agents a on a.id = e.agent_id
          where e.thread_id = ${query.thread_id}::uuid
            ${after ? sql`and (e.created_at, e.id) < (${after[0]}::text::timestamptz, ${after[1]}::uuid)` : sql``}
          order by e.created_at desc, e.id desc
          limit ${query.limit + 1}
        ) p
        order by p.created_at desc, p.id desc`,
    ),
  );
  if (rows.length === 0) {
    await mapped('read', () =>
      db.withUser(claims, (tx) => assertVisible(tx, 'public.threads', query.thread_id, 'query.thread_id')),
    );
  }
  return pageFrom(rows, query.limit) as { data: z.infer<typeof AgentRun>[]; next_cursor: string | null };
}
