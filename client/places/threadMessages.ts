import type { ChenuApi, Message } from '../api/chenuApi.ts';

/** Most messages a thread's wall reads (its newest). */
export const WALL_MAX_MESSAGES = 500;
/** Messages the wall shows at once: only these are laid out as text. */
export const WALL_ROWS = 12;

/** A thread's newest messages up to `max`, oldest first, read a page at a time. */
export async function loadThreadMessages(
  api: Pick<ChenuApi, 'messagePage'>,
  threadId: string,
  max = WALL_MAX_MESSAGES,
): Promise<Message[]> {
  const newestFirst: Message[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.messagePage(threadId, cursor);
    newestFirst.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && newestFirst.length < max);
  return newestFirst.slice(0, max).reverse();
}

/** Adds the messages of `fresh` not in `all` (by id), keeping `all`'s oldest-first order. */
export function mergeMessages(all: readonly Message[], fresh: readonly Message[]): Message[] {
  const known = new Set(all.map((m) => m.id));
  const added = fresh.filter((m) => !known.has(m.id));
  if (added.length === 0) return all as Message[];
  return [...all, ...added].sort(
    (a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id),
  );
}

/** The first message shown when the wall shows `rows` of `total` from `start` (clamped). */
export function wallStart(total: number, start: number, rows = WALL_ROWS): number {
  return Math.max(0, Math.min(start, total - rows));
}
