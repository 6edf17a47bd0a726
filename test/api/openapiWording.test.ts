import { describe, expect, it } from 'vitest';
import { invoke, useApi } from './apiHarness.ts';

const api = useApi();

describe('OpenAPI summaries of the crud routes', () => {
  it('read with real plurals and articles in the served document ("List identities", "Create an identity")', async () => {
    const doc = await invoke<{ paths: Record<string, Record<string, { summary?: string }>> }>(
      api.client(),
      'GET',
      '/docs/openapi.json',
    );
    expect(doc.status).toBe(200);
    const summaries = Object.values(doc.body.paths).flatMap((ops) =>
      Object.values(ops).map((op) => op.summary ?? ''),
    );
    expect(summaries).toContain('List identities');
    expect(summaries).toContain('Create an identity');
    expect(summaries).toContain('List compatibility entries');
    expect(summaries).toContain('List properties');
    expect(summaries).toContain('Delete an API key');
    expect(summaries).toContain('Get a unit');
    expect(summaries).toContain('List spheres');
    // a consonant then "ys" ("identitys"), or "a" before a vowel ("a identity")
    expect(summaries.filter((s) => /[^aeiou\s]ys\b|\ba [aeio]/i.test(s))).toEqual([]);
  });
});
