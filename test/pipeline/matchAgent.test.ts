import { describe, expect, it } from 'vitest';
import { estimateCost, priceTokens } from '../../shared/pipeline/estimateCost.ts';
import { matchAgent, type MatchRequest } from '../../shared/pipeline/matchAgent.ts';
import { DOMAIN_KINDS, SPHERE_KINDS } from '../../shared/pipeline/schemas.ts';

const ALL_SPHERES = [...SPHERE_KINDS];
const ALL_DOMAINS = [...DOMAIN_KINDS];

function agent(n: number, slug: string, over: Record<string, unknown> = {}) {
  return {
    id: `c0000000-0000-4000-8000-02200000000${n}`,
    slug,
    name: slug,
    provider: 'builtin',
    model: `${slug}-1`,
    task_types: ['summarize_thread'],
    sphere_kinds: ALL_SPHERES,
    domain_kinds: ALL_DOMAINS,
    cost_per_1k_tokens: '1000.0000',
    max_tokens: 4096,
    external: false,
    active: true,
    ...over,
  };
}
function row(
  a: { id: string },
  score: number,
  constraints: Record<string, unknown> = {},
  over: Record<string, unknown> = {},
) {
  return {
    agent_id: a.id,
    sphere_kind: 'personal',
    domain_kind: 'general',
    task_type: 'summarize_thread',
    score,
    constraints,
    ...over,
  };
}

const summarizer = agent(1, 'summarizer');
const external = agent(5, 'openai-compatible', { provider: 'openai_compatible', external: true });
const legalOnly = agent(3, 'legal-summarizer', { domain_kinds: ['legal'] });
const AGENTS = [summarizer, external, legalOnly];
const MATRIX = [
  row(summarizer, 0.92),
  row(external, 0.78, { external: true, exclude_sensitive_memory: true }),
  row(legalOnly, 0.99),
];
const REQ: MatchRequest = {
  sphereKind: 'personal',
  domainKind: 'general',
  taskType: 'summarize_thread',
  scopeHasSensitiveMemory: false,
  availableProviders: ['builtin', 'openai_compatible'],
};

describe('matchAgent', () => {
  it('picks the highest score among agents that serve the sphere and domain kinds', () => {
    const r = matchAgent(AGENTS, MATRIX, REQ);
    expect(r.ok && r.agent.slug).toBe('summarizer');
    expect(r.ok && r.score).toBe(0.92);
    expect(r.rejected).toContainEqual(
      expect.objectContaining({ slug: 'legal-summarizer', reason: expect.stringMatching(/legal|general/) }),
    );
  });

  it('prefers an external agent only when it scores higher, and refuses it when the scope holds sensitive memory (law 8)', () => {
    const matrix = [
      row(summarizer, 0.6),
      row(external, 0.9, { external: true, exclude_sensitive_memory: true }),
    ];
    const open = matchAgent(AGENTS, matrix, REQ);
    expect(open.ok && open.agent.slug).toBe('openai-compatible');
    const sensitive = matchAgent(AGENTS, matrix, { ...REQ, scopeHasSensitiveMemory: true });
    expect(sensitive.ok && sensitive.agent.slug).toBe('summarizer');
    expect(sensitive.rejected).toContainEqual(
      expect.objectContaining({ slug: 'openai-compatible', reason: expect.stringMatching(/memory law 8/) }),
    );
  });

  it('refuses with a reason when the only candidate is external and the scope is sensitive', () => {
    const r = matchAgent([external], [row(external, 0.9, { external: true })], {
      ...REQ,
      scopeHasSensitiveMemory: true,
    });
    expect(r).toMatchObject({ ok: false, code: 'no_compatible_agent' });
    expect(!r.ok && r.reason).toMatch(/memory law 8/);
  });

  it('refuses an external agent whose provider is not configured', () => {
    const r = matchAgent([external], [row(external, 0.9)], { ...REQ, availableProviders: ['builtin'] });
    expect(!r.ok && r.reason).toMatch(/provider openai_compatible is not configured/);
  });

  it('honours a pinned agent and refuses it when it does not fit', () => {
    const pinned = matchAgent(AGENTS, MATRIX, { ...REQ, agentId: external.id });
    expect(pinned.ok && pinned.agent.slug).toBe('openai-compatible');
    const wrongTask = matchAgent(AGENTS, MATRIX, {
      ...REQ,
      agentId: summarizer.id,
      taskType: 'draft_estimate',
    });
    expect(!wrongTask.ok && wrongTask.reason).toMatch(/draft_estimate/);
    const unknown = matchAgent(AGENTS, MATRIX, { ...REQ, agentId: 'c0000000-0000-4000-8000-0220000000ff' });
    expect(!unknown.ok && unknown.reason).toMatch(/does not exist/);
  });

  it('refuses retired agents, low scores, missing matrix rows and an EQS below the row minimum', () => {
    expect(matchAgent([agent(1, 'summarizer', { active: false })], MATRIX, REQ).ok).toBe(false);
    expect(matchAgent([summarizer], [row(summarizer, 0.3)], REQ).ok).toBe(false);
    expect(!matchAgent([summarizer], [], REQ).ok).toBe(true);
    const strict = [row(summarizer, 0.9, { min_eqs: 80 })];
    expect(matchAgent([summarizer], strict, { ...REQ, eqs: 79 }).ok).toBe(false);
    expect(matchAgent([summarizer], strict, { ...REQ, eqs: 80 }).ok).toBe(true);
  });

  it('carries the constraints of the picked row (human review)', () => {
    const r = matchAgent([summarizer], [row(summarizer, 0.8, { human_review: true })], REQ);
    expect(r.ok && r.constraints.human_review).toBe(true);
  });

  it('breaks score ties with built-in first, then slug', () => {
    const b = agent(2, 'another', {});
    const r = matchAgent(
      [external, b, summarizer],
      [row(external, 0.9), row(b, 0.9), row(summarizer, 0.9)],
      REQ,
    );
    expect(r.ok && r.agent.slug).toBe('another');
  });

  it('rejects malformed catalog rows with a clear error', () => {
    expect(() => matchAgent([{ ...summarizer, provider: 'ftp' }], MATRIX, REQ)).toThrow(/provider/);
  });
});

describe('estimateCost', () => {
  it('prices model tokens at the dearest candidate rate, rounded up', () => {
    const e = estimateCost({
      taskType: 'summarize_thread',
      intentTokens: 20,
      contextItems: 3,
      candidateRates: [1000, 2500],
    });
    expect(e.modelTokens).toBe(150 + 20 + 3 * 80 + 400);
    expect(e.ratePer1k).toBe(2500);
    expect(e.tokens).toBe(Math.ceil((810 * 2500) / 1000));
  });

  it("fits the run to each candidate's model, reserves the dearest fit and never estimates 0", () => {
    const run = (smallRate: number) =>
      estimateCost({
        taskType: 'x_task',
        intentTokens: 10_000,
        contextItems: 0,
        candidates: [
          // a small window: the prompt is cut to what leaves room for its shorter answer
          { ratePer1k: smallRate, contextTokens: 4096, maxOutputTokens: 300 },
          // a large window: the whole prompt (150 + 10,000) and the task's default answer (500)
          { ratePer1k: 400, contextTokens: 131_072, maxOutputTokens: 4096 },
        ],
      });
    expect(run(1000)).toEqual({ modelTokens: 10_650, outputTokens: 500, ratePer1k: 400, tokens: 4260 });
    expect(run(2000)).toEqual({ modelTokens: 4096, outputTokens: 300, ratePer1k: 2000, tokens: 8192 });
    expect(
      estimateCost({ taskType: 'summarize_thread', intentTokens: 0, contextItems: 0, candidateRates: [0] })
        .tokens,
    ).toBe(1);
  });

  it('refuses negative input and a missing rate', () => {
    expect(() =>
      estimateCost({ taskType: 't', intentTokens: -1, contextItems: 0, candidateRates: [1] }),
    ).toThrow(RangeError);
    expect(() =>
      estimateCost({ taskType: 't', intentTokens: 1, contextItems: 0, candidateRates: [] }),
    ).toThrow(/rate/);
    expect(() => priceTokens(Number.NaN, 1)).toThrow(RangeError);
    expect(priceTokens(1001, 1000)).toBe(1001);
    expect(priceTokens(1, 1200)).toBe(2);
  });
});
