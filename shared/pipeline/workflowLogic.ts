/**
 * Evaluates the workflow expression language (workflowRules.ts): `$.` paths, the short path
 * comparison, and JSON Logic rules run by json-logic-js after `checkRule` accepted them, over a
 * JSON copy of the run's values (no prototype, no function reachable). Never `eval`.
 */
import jsonLogic from 'json-logic-js';
import { checkConditions, checkMappingValue, checkRule, PATH_COMPARISON } from './workflowRules.ts';

/** Reads a `$.a.b` path of `scope` (`.length` of an array or string); other values are literals. */
export function resolvePath(path: unknown, scope: Record<string, unknown>): unknown {
  if (typeof path !== 'string' || !path.startsWith('$.')) return path;
  let cur: unknown = scope;
  for (const part of path.slice(2).split('.')) {
    if (part === 'length' && (Array.isArray(cur) || typeof cur === 'string')) return cur.length;
    cur =
      cur !== null && typeof cur === 'object' && Object.hasOwn(cur, part)
        ? (cur as Record<string, unknown>)[part]
        : undefined;
  }
  return cur;
}

/** `value` as plain JSON (no prototypes beyond Object's and Array's, no functions). */
function plain(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** Runs a checked JSON Logic rule over `data`. */
export function evaluateRule(rule: unknown, data: Record<string, unknown>): unknown {
  checkRule(rule);
  return jsonLogic.apply(rule as never, plain(data));
}

/** One mapping value: a path, a rule, or a literal. */
export function evaluateValue(value: unknown, scope: Record<string, unknown>): unknown {
  if (typeof value === 'string' && value.startsWith('$.')) return resolvePath(value, scope);
  checkMappingValue(value, 'mapping');
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return evaluateRule(value, scope);
  return value;
}

/** Every key of `mapping` evaluated over `scope`. */
export function evaluateMapping(
  mapping: Record<string, unknown>,
  scope: Record<string, unknown>,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(mapping).map(([k, v]) => [k, evaluateValue(v, scope)]));
}

/** Whether a step's `conditions` hold over `scope` (`{}` always does). Throws a WorkflowRuleError on bad syntax. */
export function conditionHolds(conditions: unknown, scope: Record<string, unknown>): boolean {
  checkConditions(conditions);
  if (!conditions || Object.keys(conditions).length === 0) return true;
  const test = (conditions as { if: unknown }).if;
  if (typeof test === 'string') {
    const m = PATH_COMPARISON.exec(test.trim())!;
    const left = Number(resolvePath(m[1], scope) ?? 0);
    const right = Number(m[3]);
    switch (m[2]) {
      case '>':
        return left > right;
      case '>=':
        return left >= right;
      case '<':
        return left < right;
      case '<=':
        return left <= right;
      case '==':
        return left === right;
      default:
        return left !== right;
    }
  }
  return jsonLogic.truthy(evaluateRule(test, scope));
}
