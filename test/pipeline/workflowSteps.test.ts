/**
 * Workflow `transform` and `condition` steps do what they say (shared/pipeline/workflowRules.ts):
 * a transform computes its output from paths and JSON Logic rules over the run's values, a
 * condition that does not hold skips every later step, a step's own `if` skips just that step.
 */
import { describe, expect, it } from 'vitest';
import { createBuiltinProvider } from '../../supabase/functions/_shared/pipeline/providers/builtinAgents.ts';
import { runWorkflow } from '../../supabase/functions/_shared/pipeline/runWorkflow.ts';
import { conditionHolds, evaluateMapping } from '../../shared/pipeline/workflowLogic.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';

const db = useIsolatedDatabase('wf_steps');

describe('workflow expressions', () => {
  const scope = {
    workflow: { input: { name: 'Alice', tags: ['urgent'] } },
    steps: { 1: { tasks: ['a', 'b'] } },
  };

  it('maps paths, rules and literals', () => {
    expect(
      evaluateMapping(
        {
          who: '$.workflow.input.name',
          n: '$.steps.1.tasks.length',
          hello: { cat: ['Bonjour ', { var: 'workflow.input.name' }] },
          urgent: { in: ['urgent', { var: 'workflow.input.tags' }] },
          fixed: 42,
        },
        scope,
      ),
    ).toEqual({ who: 'Alice', n: 2, hello: 'Bonjour Alice', urgent: true, fixed: 42 });
  });

  it('reads short comparisons and JSON Logic conditions', () => {
    expect(conditionHolds({}, scope)).toBe(true);
    expect(conditionHolds({ if: '$.steps.1.tasks.length > 1' }, scope)).toBe(true);
    expect(conditionHolds({ if: '$.steps.1.tasks.length >= 3' }, scope)).toBe(false);
    expect(
      conditionHolds(
        { if: { and: [{ '>': [{ var: 'steps.1.tasks.length' }, 1] }, { '!': { var: 'x' } }] } },
        scope,
      ),
    ).toBe(true);
  });
});

describe('runWorkflow with transform and condition steps', () => {
  it('transforms, gates the rest of the run on a condition, and skips a step on its own if', async () => {
    const sql = db.sql();
    const [wf] = await sql`insert into public.oneclick_workflows (identity_id, dataspace_id, name)
                           values (${SEED.a1}, ${seedId('a1', '0003')}, 'Étapes') returning id`;
    const step = (position: number, type: string, extra: Record<string, unknown>) =>
      sql`insert into public.workflow_steps (identity_id, workflow_id, position, name, step_type, input_mapping, output_mapping, conditions)
          values (${SEED.a1}, ${wf!.id}, ${position}, ${`step ${position}`}, ${type},
                  ${sql.json((extra.input ?? {}) as never)}, ${sql.json((extra.output ?? {}) as never)},
                  ${sql.json((extra.conditions ?? {}) as never)})`;
    await step(1, 'transform', {
      output: { greeting: { cat: ['Bonjour ', { var: 'workflow.input.name' }] }, count: { '+': [1, 2] } },
    });
    await step(2, 'condition', { conditions: { if: { '==': [{ var: 'steps.1.count' }, 3] } } });
    await step(3, 'transform', {
      output: { echo: '$.steps.1.greeting' },
      conditions: { if: '$.steps.1.count < 0' },
    });
    await step(4, 'transform', {
      input: { g: '$.steps.1.greeting' },
      output: { upper: { substr: [{ var: 'input.g' }, 0, 7] } },
    });
    await step(5, 'condition', { conditions: { if: { '>': [{ var: 'steps.1.count' }, 10] } } });
    await step(6, 'notify', { input: { body: '$.steps.1.greeting' } });
    const r = await runWorkflow(
      { data: db.data(), providers: { builtin: createBuiltinProvider() } },
      asIdentity('a1'),
      {
        workflowId: wf!.id,
        idempotencyKey: 'steps-1',
        input: { name: 'Alice' },
      },
    );
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.steps.map((s) => [s.position, s.status, s.output])).toEqual([
      [1, 'succeeded', { greeting: 'Bonjour Alice', count: 3 }],
      [2, 'succeeded', { passed: true }],
      [3, 'skipped', undefined],
      [4, 'succeeded', { upper: 'Bonjour' }],
      [5, 'succeeded', { passed: false }],
      [6, 'skipped', undefined],
    ]);
    const [notified] = await sql`select count(*)::int as n from public.notifications
                                 where data->>'oneclick_execution_id' = ${r.runId}`;
    expect(notified!.n).toBe(0);
  });
});
