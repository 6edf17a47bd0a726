import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';

/** The tables whose rows make up the room's memory wall and workspace panels. */
const SPATIAL_TABLES = new Set(['memory_items', 'workspaces', 'panels']);
/** The tables whose events name a thread to read again. */
const THREAD_TABLES = new Set(['messages', 'decisions', 'agent_executions']);

/**
 * What a database event of the room's dataspace asks the client to read again: the thread a new
 * message or decision belongs to (payloads of private.notify_realtime carry it as `threadId`), or
 * whose run was held for review, decided, withdrawn or ended unanswered (private.notify_run_changed;
 * reading the thread again reads its runs again, threadRuns.ts), and whether the memory wall or
 * workspace panels changed.
 */
export function reloadFor(event: DbEventMessage): { threadId: string | null; spatial: boolean } {
  const threadId = (event.data as { threadId?: unknown } | undefined)?.threadId;
  return {
    threadId: THREAD_TABLES.has(event.table) && typeof threadId === 'string' ? threadId : null,
    spatial: SPATIAL_TABLES.has(event.table),
  };
}
