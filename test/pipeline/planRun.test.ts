import { describe, expect, it } from 'vitest';
import { candidateModel, estimateCost } from '../../shared/pipeline/estimateCost.ts';
import {
  contextItemsFor,
  planRun,
  type PlanStep,
  type RunPlanContext,
} from '../../shared/pipeline/planRun.ts';
import { DOMAIN_KINDS, SPHERE_KINDS } from '../../shared/pipeline/schemas.ts';
import { RULES, STANDARD } from './encodingCatalog.ts';

const SUMMARIZE = "Peux-tu résumer le fil sur les armoires, en liste à puces s'il te plaît ?";
const VAGUE = 'Regarde ça peut-être';
const DATASPACE = 'a1000000-0000-4000-8000-000300000001';
const THREAD = 'a1000000-0000-4000-8000-000400000001';

function agent(n: number, slug: string, over: Record<string, unknown> = {}) {
  return {
    id: `c0000000-0000-4000-8000-02200000000${n}`,
    slug,
    name: slug,
    provider: 'builtin',
    model: `${slug}-1`,
    task_types: ['summarize_thread', 'extract_tasks'],
    sphere_kinds: [...SPHERE_KINDS],
    domain_kinds: [...DOMAIN_KINDS],
    cost_per_1k_tokens: 1000,
    max_tokens: 1024,
    context_tokens: 32768,
    external: false,
    active: true,
    ...over,
  };
}
const summarizer = agent(1, 'summarizer');
const external = agent(5, 'openai-compatible', {
  provider: 'openai_compatible',
  external: true,
  cost_per_1k_tokens: 3000,
});
const row = (a: { id: string }, score: number, constraints: Record<string, unknown> = {}) =>
  ['summarize_thread', 'extract_tasks'].map((task_type) => ({
    agent_id: a.id,
    sphere_kind: 'personal',
    domain_kind: 'general',
    task_type,
    score,
    constraints,
  }));

const CTX: RunPlanContext = {
  scope: { dataspaceId: DATASPACE, threadId: THREAD, sphereKind: 'personal', domainKind: 'general' },
  sizes: { messages: 12, decisions: 3, meetingNotes: 2, lineItems: 0, memory: 5, sensitiveMemory: false },
  profile: STANDARD,
  rules: RULES,
  agents: [summarizer, external],
  matrix: [...row(summarizer, 0.92), ...row(external, 0.78, { external: true })],
  availableProviders: ['builtin'],
};

describe('planRun', () => {
  it('encodes, matches and prices the run on the content its task reads, no more', () => {
    const seen: PlanStep['step'][] = [];
    const plan = planRun({ intentText: SUMMARIZE }, CTX, (s) => seen.push(s.step));
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(seen).toEqual(['encoded', 'matched', 'estimated']);
    expect(plan.taskType).toBe('summarize_thread');
    expect(plan.match.agent.slug).toBe('summarizer');
    // exactly the estimate of the task's context (12 messages + 3 decisions), no headroom added
    expect(contextItemsFor('summarize_thread', CTX.sizes)).toBe(15);
    expect(plan.estimate).toEqual(
      estimateCost({
        taskType: 'summarize_thread',
        intentTokens: plan.encoding.tokensOriginal,
        contextItems: 15,
        candidates: plan.match.candidates.map(candidateModel),
      }),
    );
  });

  it('matches only the providers the deployment runs, and prices the dearest of them', () => {
    const builtinOnly = planRun({ intentText: SUMMARIZE }, CTX);
    const both = planRun(
      { intentText: SUMMARIZE },
      { ...CTX, availableProviders: ['builtin', 'openai_compatible'] },
    );
    expect(builtinOnly.ok && builtinOnly.match.candidates.map((a) => a.slug)).toEqual(['summarizer']);
    expect(both.ok && both.match.candidates.map((a) => a.slug).sort()).toEqual([
      'openai-compatible',
      'summarizer',
    ]);
    expect(both.ok && builtinOnly.ok && both.estimate.tokens).toBeGreaterThan(
      builtinOnly.ok ? builtinOnly.estimate.tokens : Infinity,
    );
    const named = planRun({ intentText: SUMMARIZE, agentId: external.id }, CTX);
    expect(named).toMatchObject({ ok: false, code: 'no_compatible_agent' });
  });

  it('refuses an intent it cannot read before anything else, except as a workflow step', () => {
    const seen: PlanStep['step'][] = [];
    const vague = planRun({ intentText: VAGUE }, CTX, (s) => seen.push(s.step));
    expect(vague).toMatchObject({ ok: false, code: 'encoding_rejected' });
    expect(seen).toEqual(['encoded']);
    // a workflow step's task was fixed by whoever built it: recorded, not refused
    const step = planRun({ intentText: VAGUE, taskType: 'summarize_thread', workflowStep: true }, CTX);
    expect(step).toMatchObject({ ok: true, taskType: 'summarize_thread' });
    // an agent's own minimum EQS still applies to a workflow step
    const demanding = planRun(
      { intentText: VAGUE, taskType: 'summarize_thread', workflowStep: true },
      { ...CTX, matrix: row(summarizer, 0.92, { min_eqs: 99 }) },
    );
    expect(demanding).toMatchObject({ ok: false, code: 'no_compatible_agent' });
  });

  it('answers input the encoder refuses as encoding_rejected, without an encoding', () => {
    expect(planRun({ intentText: '   ' }, CTX)).toEqual({
      ok: false,
      code: 'encoding_rejected',
      message: expect.stringContaining('empty'),
      encoding: null,
      suggestions: [],
    });
  });
});
