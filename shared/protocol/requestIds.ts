import { z } from 'zod';

/**
 * The largest request id a client may send: ids are counted from 1 per connection, so this is about
 * two billion requests a session (msgpack carries it in at most five bytes).
 */
export const MAX_REQUEST_ID = 2 ** 31 - 1;

/**
 * A request id (`rid`): chosen by the client for a message that expects a reply, and echoed by the
 * room in that reply and in any error refusing the message, so the client matches replies by id.
 * Each of a session's ids is greater than the one before (the room refuses a reused or smaller id:
 * `invalid_message`), so the room keeps one number per session to tell a duplicate.
 */
export const RequestId = z.number().int().min(1).max(MAX_REQUEST_ID);

/** The request id of a raw message, when it carries a well-formed one (for errors refusing it). */
export function requestIdOf(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null || !('rid' in raw)) return undefined;
  const parsed = RequestId.safeParse((raw as { rid: unknown }).rid);
  return parsed.success ? parsed.data : undefined;
}
