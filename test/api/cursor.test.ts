/**
 * List cursors (shared/api/cursor.ts): what a page gives back decodes to itself, and a cursor a
 * client made up is refused whatever its shape, before any database sees it.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeKeysetCursor,
  decodeSeqCursor,
  encodeKeysetCursor,
  isCursorTimestamp,
  KeysetCursor,
  MAX_CURSOR_LENGTH,
} from '../../shared/api/cursor.ts';

const ID = '0b9c4a52-8d3e-4c1f-9a77-5e2f1d3c4b5a';
const made = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  it('round-trips the timestamps Postgres prints and the row id', () => {
    for (const created of [
      '2026-12-06T23:45:34.123456+00:00',
      '2026-01-01T00:00:00+00:00',
      '1999-12-31T23:59:59.5-05:00',
    ]) {
      expect(decodeKeysetCursor(encodeKeysetCursor(created, ID))).toEqual([created, ID]);
    }
  });

  it('refuses dates outside years 1 to 9999, impossible dates and times, and bad offsets', () => {
    for (const created of [
      '-271821-04-20T00:00:00.000Z',
      '+200000-01-01T00:00:00.000Z',
      '0000-01-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T00:00:00+16:00',
      '2026-01-01T00:00:00.1234567Z',
      '2026-01-01',
      'yesterday',
    ]) {
      expect(isCursorTimestamp(created), created).toBe(false);
      expect(decodeKeysetCursor(made([created, ID])), created).toBeUndefined();
    }
    expect(isCursorTimestamp('2024-02-29T12:00:00Z')).toBe(true);
  });

  it('refuses anything but a base64url [timestamp, uuid] pair', () => {
    for (const cursor of [
      made(['2026-01-01T00:00:00Z', 'not-a-uuid']),
      made(['2026-01-01T00:00:00Z', 'gggggggg-gggg-gggg-gggg-gggggggggggg']),
      made(['2026-01-01T00:00:00Z']),
      made(['2026-01-01T00:00:00Z', ID, 'extra']),
      made({ created: '2026-01-01T00:00:00Z', id: ID }),
      made([1e20, ID]),
      made(null),
      '!!!not-base64!!!',
      'bm9wZQ',
      '',
      'x'.repeat(MAX_CURSOR_LENGTH + 1),
      `${encodeKeysetCursor('2026-01-01T00:00:00Z', ID)}=`,
    ]) {
      expect(decodeKeysetCursor(cursor), cursor.slice(0, 40)).toBeUndefined();
      expect(KeysetCursor.safeParse(cursor).success).toBe(false);
    }
  });
});

describe('sequence cursors', () => {
  it('accepts safe non-negative integers only', () => {
    expect(decodeSeqCursor('0')).toBe(0);
    expect(decodeSeqCursor('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    for (const cursor of ['-5', '01', '1.5', '1e3', '9007199254740993', '99999999999999999999', '', ' 1']) {
      expect(decodeSeqCursor(cursor), cursor).toBeUndefined();
    }
  });
});
