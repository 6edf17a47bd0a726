/**
 * Rules every request value obeys before any schema or database sees it, whatever the field:
 * no NUL character (Postgres refuses it in text and jsonb), no lone UTF-16 surrogate (it cannot be
 * stored as UTF-8: Postgres or the driver would refuse it or turn it into U+FFFD), in keys as in
 * values, and JSON nested at most MAX_JSON_DEPTH levels. One walk, iterative, so a 10,000-deep
 * document costs a few steps and no stack.
 */

/** Deepest nesting of objects and arrays a request may send (the body itself is level 1). */
export const MAX_JSON_DEPTH = 32;

/** Most problems reported for one value (the first ones found). */
const MAX_ISSUES = 20;

/** One problem of a request value, as `details[]` of a 400 `validation_failed`. */
export interface InputIssue {
  path: string;
  message: string;
  code: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why `text` cannot be stored, or undefined when it can. */
export function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate (invalid Unicode)';
  return undefined;
}

/** The problems of `value` (a parsed JSON body, a query or path parameters), paths under `prefix`. */
export function inputIssues(value: unknown, prefix: string): InputIssue[] {
  const issues: InputIssue[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: prefix, depth: 0 }];
  while (stack.length && issues.length < MAX_ISSUES) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = textProblem(v);
      if (problem) issues.push({ path, message: problem, code: 'invalid_string' });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > MAX_JSON_DEPTH) {
      issues.push({ path, message: `nested deeper than ${MAX_JSON_DEPTH} levels`, code: 'too_deep' });
      continue;
    }
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    for (const [key, child] of entries.reverse()) {
      const childPath = `${path}.${key}`;
      const keyProblem = textProblem(key);
      if (keyProblem) issues.push({ path: childPath, message: `key ${keyProblem}`, code: 'invalid_key' });
      else stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return issues;
}
