/**
 * The expression language of 1-Click workflow steps, checked before anything runs it. Two forms:
 *
 * - a **path**: a string `$.a.b.c` reads the run's values — `$.workflow.thread_id`,
 *   `$.workflow.input.<key>`, `$.steps.<position>.<field>`, `$.input.<key>` (a transform step's mapped
 *   input), `$.result.<field>` (an agent step's result, in `output_mapping`); a trailing `.length`
 *   is the length of an array or string. A condition may also be the short comparison
 *   `"$.path <op> <number>"` with `<op>` one of `> >= < <= == !=`.
 * - a **JSON Logic** rule (jsonlogic.com, evaluated by json-logic-js): an object with one operator
 *   key, e.g. `{"and": [{">": [{"var": "steps.1.tasks.length"}, 0]}, {"in": ["urgent", {"var": "input.tags"}]}]}`.
 *   Only the operators of {@link RULE_OPERATORS} are accepted: comparisons, logic, arithmetic,
 *   strings, arrays (`map`, `filter`, `reduce`, `all`, `some`, `none`, `merge`, `in`) and `var` /
 *   `missing`; never `method` (it calls functions of the data), and a `var` path is a literal
 *   without `__proto__`, `prototype` or `constructor` segments. Nothing is ever passed to `eval`.
 *
 * Where: a step's `conditions` is `{}` (always) or `{"if": <path comparison | rule>}`; a transform
 * step's `output_mapping` maps each output key to a path or a rule over `{workflow, steps, input}`.
 * Pure: no dependency, runs in the browser, Node and Deno.
 */

/** JSON Logic operators a workflow may use. */
export const RULE_OPERATORS = new Set([
  'var',
  'missing',
  'missing_some',
  'if',
  '?:',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'and',
  'or',
  '>',
  '>=',
  '<',
  '<=',
  'max',
  'min',
  '+',
  '-',
  '*',
  '/',
  '%',
  'cat',
  'substr',
  'in',
  'merge',
  'map',
  'filter',
  'reduce',
  'all',
  'some',
  'none',
]);
/** Largest rule, in nodes, and deepest nesting. */
export const MAX_RULE_NODES = 500;
export const MAX_RULE_DEPTH = 32;

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
/** `"$.path <op> <number>"`: the short comparison form of a condition. */
export const PATH_COMPARISON = /^(\$\.[\w.]+)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)$/;

/** A rule or path a workflow cannot use, with where it is (`conditions.if.and.0`). */
export class WorkflowRuleError extends Error {
  override readonly name = 'WorkflowRuleError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

function checkPath(path: string, where: string): void {
  for (const segment of path.replace(/^\$\./, '').split('.')) {
    if (FORBIDDEN_SEGMENTS.has(segment))
      throw new WorkflowRuleError(where, `"${segment}" is not a readable name`);
  }
}

function isRule(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1
  );
}

/** Throws a WorkflowRuleError unless `rule` is a JSON Logic rule (or literal) workflows may run. */
export function checkRule(rule: unknown, where = 'rule'): void {
  let nodes = 0;
  const walk = (node: unknown, at: string, depth: number): void => {
    if (++nodes > MAX_RULE_NODES) throw new WorkflowRuleError(where, `more than ${MAX_RULE_NODES} nodes`);
    if (depth > MAX_RULE_DEPTH) throw new WorkflowRuleError(at, `nested deeper than ${MAX_RULE_DEPTH}`);
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${at}.${i}`, depth + 1));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (!isRule(node)) throw new WorkflowRuleError(at, 'a rule is an object with exactly one operator');
    const [op, args] = Object.entries(node)[0]!;
    if (!RULE_OPERATORS.has(op)) throw new WorkflowRuleError(at, `unknown or forbidden operator "${op}"`);
    if (op === 'var' || op === 'missing' || op === 'missing_some') {
      const names = op === 'missing_some' && Array.isArray(args) ? args[1] : args;
      const list = Array.isArray(names) ? (op === 'var' ? names.slice(0, 1) : names) : [names];
      for (const name of list) {
        if (name === null || name === undefined || name === '') continue;
        if (typeof name !== 'string' && typeof name !== 'number') {
          throw new WorkflowRuleError(`${at}.${op}`, 'a variable name is a literal string');
        }
        checkPath(String(name), `${at}.${op}`);
      }
      if (op === 'var' && Array.isArray(args) && args.length > 1) walk(args[1], `${at}.${op}.1`, depth + 1);
      return;
    }
    walk(args, `${at}.${op}`, depth + 1);
  };
  walk(rule, where, 0);
}

/** Throws unless `value` is a `$.` path, a rule or a literal a mapping may hold. */
export function checkMappingValue(value: unknown, where: string): void {
  if (typeof value === 'string' && value.startsWith('$.')) checkPath(value, where);
  else checkRule(value, where);
}

/** Throws unless a step's `conditions` is `{}` or `{"if": <comparison | rule>}`. */
export function checkConditions(conditions: unknown, where = 'conditions'): void {
  if (conditions === undefined || conditions === null) return;
  if (typeof conditions !== 'object' || Array.isArray(conditions)) {
    throw new WorkflowRuleError(where, 'conditions is an object: {} or {"if": …}');
  }
  const keys = Object.keys(conditions);
  if (keys.length === 0) return;
  if (keys.length !== 1 || keys[0] !== 'if')
    throw new WorkflowRuleError(where, 'the only condition key is "if"');
  const test = (conditions as { if: unknown }).if;
  if (typeof test === 'string') {
    const m = PATH_COMPARISON.exec(test.trim());
    if (!m) throw new WorkflowRuleError(`${where}.if`, 'a string condition is "$.path <op> <number>"');
    checkPath(m[1]!, `${where}.if`);
    return;
  }
  checkRule(test, `${where}.if`);
}

/** Throws unless every value of a step mapping is a path, a rule or a literal. */
export function checkMapping(mapping: unknown, where: string): void {
  if (mapping === undefined || mapping === null) return;
  if (typeof mapping !== 'object' || Array.isArray(mapping))
    throw new WorkflowRuleError(where, 'a mapping is an object');
  for (const [key, value] of Object.entries(mapping)) checkMappingValue(value, `${where}.${key}`);
}
