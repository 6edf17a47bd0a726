/**
 * Door: the expressions a workflow's steps carry (conditions, mappings), which the pipeline
 * evaluates with the server's privileges. Tried with JSON Logic's `method` (it calls functions of the
 * data), prototype paths (`constructor`, `__proto__`), a computed variable name, and rules too deep
 * or too large: each is refused before anything runs, in the API's validation and in the pipeline.
 */
import { describe, expect, it } from 'vitest';
import { evaluateMapping, conditionHolds } from '../../shared/pipeline/workflowLogic.ts';
import { checkConditions, checkRule, WorkflowRuleError } from '../../shared/pipeline/workflowRules.ts';
import { WorkflowStepCreate } from '../../shared/api/pipeline.ts';

const nested = (depth: number): unknown => (depth === 0 ? 1 : { '!': nested(depth - 1) });

describe('workflow rules', () => {
  it('refuses function calls, prototype paths and computed variable names', () => {
    const hostile: unknown[] = [
      { method: ['', 'constructor'] },
      { method: [{ var: 'x' }, 'toString'] },
      { var: 'constructor.constructor' },
      { var: '__proto__' },
      { var: 'a.prototype.b' },
      { var: { cat: ['con', 'structor'] } },
      { missing: ['__proto__'] },
      { unknown_op: [1] },
      { '==': [1, 1], extra: 2 },
    ];
    for (const rule of hostile)
      expect(() => checkRule(rule), JSON.stringify(rule)).toThrow(WorkflowRuleError);
    expect(() => checkConditions({ if: '$.constructor.name > 0' })).toThrow(WorkflowRuleError);
    expect(() => conditionHolds({ if: { method: ['', 'constructor'] } }, {})).toThrow(WorkflowRuleError);
    expect(() => evaluateMapping({ x: { var: 'constructor' } }, {})).toThrow(WorkflowRuleError);
  });

  it('refuses rules nested too deep or too large', () => {
    expect(() => checkRule(nested(40))).toThrow(/deeper/);
    expect(() => checkRule({ and: Array.from({ length: 600 }, () => true) })).toThrow(/nodes/);
    expect(() => checkRule(nested(10))).not.toThrow();
  });

  it('is enforced by the API schema of a step', () => {
    const bad = WorkflowStepCreate.safeParse({
      position: 1,
      step_type: 'transform',
      output_mapping: { x: { method: ['', 'constructor'] } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['output_mapping']);
  });
});
