/**
 * The rules every request value obeys (shared/api/inputRules.ts): NUL characters and lone UTF-16
 * surrogates are refused in values and keys, naming the field, and JSON nests at most
 * MAX_JSON_DEPTH levels; a 10,000-deep document is refused without a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import { isTimeZone } from '../../shared/api/formats.ts';
import { inputIssues, MAX_JSON_DEPTH, textProblem } from '../../shared/api/inputRules.ts';

const nest = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};

describe('inputIssues', () => {
  it('names the field holding a NUL or a lone surrogate, in values and keys', () => {
    expect(inputIssues({ name: 'ok', note: 'a\u0000b' }, 'body')).toEqual([
      expect.objectContaining({ path: 'body.note', code: 'invalid_string' }),
    ]);
    expect(inputIssues({ list: ['x', 'y\ud800'] }, 'body').map((i) => i.path)).toEqual(['body.list.1']);
    expect(inputIssues({ deep: { 'k\udc00': 1 } }, 'body').map((i) => i.path)).toEqual(['body.deep.k\udc00']);
    expect(inputIssues({ id: '\u0000' }, 'params').map((i) => i.path)).toEqual(['params.id']);
  });

  it('accepts well-formed text, surrogate pairs included', () => {
    expect(inputIssues({ emoji: '😀 ça va', han: '𠜎', empty: '' }, 'body')).toEqual([]);
    expect(textProblem('a\ud83d\ude00b')).toBeUndefined();
    expect(textProblem('a\ud83db')).toMatch(/surrogate/);
    expect(textProblem('\udfffa')).toMatch(/surrogate/);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more, or ten thousand`, () => {
    expect(inputIssues(nest(MAX_JSON_DEPTH), 'body')).toEqual([]);
    expect(inputIssues(nest(MAX_JSON_DEPTH + 1), 'body')).toEqual([
      expect.objectContaining({ code: 'too_deep' }),
    ]);
    const deep = JSON.parse(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`) as unknown;
    expect(inputIssues(deep, 'body')).toEqual([expect.objectContaining({ code: 'too_deep' })]);
    expect(inputIssues([[[[]]]], 'body')).toEqual([]);
  });
});

describe('isTimeZone', () => {
  it('accepts IANA zones and their aliases, and refuses offsets and unknown names', () => {
    for (const zone of [
      'America/Montreal',
      'America/Toronto',
      'UTC',
      'Etc/UTC',
      'Europe/Kyiv',
      'Asia/Kolkata',
    ]) {
      expect(isTimeZone(zone), zone).toBe(true);
    }
    for (const zone of ['Mars/Olympus', '+05:00', '', 'america/toronto ', 'not a zone']) {
      expect(isTimeZone(zone), zone).toBe(false);
    }
  });
});
