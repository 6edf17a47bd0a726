import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';

/** The tables whose rows make up the room's memory wall and workspace panels. */
const SPATIAL_TABLES = new Set(['memory_items', 'workspaces', 'panels']);

/**
 * What a database event of the room's dataspace asks the client to read again: the thread a new
 * message or decision belongs to (payloads of private.notify_realtime carry it as `threadId`),
 * and whether the memory wall or workspace panels changed.
 */
export function reloadFor(event: DbEventMessage): { threadId: string | null; spatial: boolean } {
  const threadId = (event.data as { threadId?: unknown } | undefined)?.threadId;
  return {
    threadId:
      (event.table === 'messages' || event.table === 'decisions') && typeof threadId === 'string'
        ? threadId
        : null,
    spatial: SPATIAL_TABLES.has(event.table),
  };
}
