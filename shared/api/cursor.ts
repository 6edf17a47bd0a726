/**
 * List cursors. A keyset cursor is the last row's `(created_at, id)` as base64url JSON; a sequence
 * cursor is the last entry's number. Clients must send back only what a page gave them, but a
 * client can make up anything: decoding checks the whole shape (base64url, a two-item array, an
 * ISO timestamp with a real calendar date and a year Postgres and JavaScript both hold, a uuid), so
 * a made-up cursor is a 400 `invalid_cursor`, never a database error.
 */
import { z } from 'zod';

/** Longest cursor accepted (a keyset cursor is about 110 characters). */
export const MAX_CURSOR_LENGTH = 512;

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-](\d{2})(?::?(\d{2}))?)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Whether `text` is a timestamp with a real date and time, years 1 to 9999, offset within ±15:59. */
export function isCursorTimestamp(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const date = new Date(Date.UTC(2000, month - 1, day));
  // a leap-year-safe calendar check: the day exists in that month of that year
  date.setUTCFullYear(year);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  if (m[8] !== 'Z' && (Number(m[9]) > 15 || Number(m[10] ?? 0) > 59)) return false;
  return true;
}

/** A keyset cursor for the row created at `created` (as Postgres printed it) with id `id`. */
export function encodeKeysetCursor(created: string, id: string): string {
  return btoa(JSON.stringify([created, id]))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/** The `[created_at, id]` of a keyset cursor, or undefined when it is not one this API makes. */
export function decodeKeysetCursor(cursor: string): [string, string] | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [created, id] = value as unknown[];
  if (typeof created !== 'string' || typeof id !== 'string') return undefined;
  if (!isCursorTimestamp(created) || !UUID.test(id)) return undefined;
  return [created, id];
}

/** The entry number of a sequence cursor, or undefined when it is not a safe non-negative integer. */
export function decodeSeqCursor(cursor: string): number | undefined {
  if (!/^(0|[1-9]\d{0,15})$/.test(cursor)) return undefined;
  const n = Number(cursor);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Query parameter `cursor` of a keyset-paged list: `next_cursor` of the previous page. */
export const KeysetCursor = z
  .string()
  .max(MAX_CURSOR_LENGTH)
  .refine((c) => decodeKeysetCursor(c) !== undefined, 'not a cursor this API returned')
  .meta({ description: '`next_cursor` of the previous page' });

/** Query parameter `cursor` of a list paged by entry number: `next_cursor` of the previous page. */
export const SeqCursor = z
  .string()
  .max(20)
  .refine((c) => decodeSeqCursor(c) !== undefined, 'not a cursor this API returned')
  .meta({ description: '`next_cursor` of the previous page' });
