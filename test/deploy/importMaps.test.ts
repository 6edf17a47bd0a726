/**
 * Each deployed function's import map (supabase/functions/<slug>/deno.json) names exactly the bare
 * imports its upload reaches, at the versions package.json pins.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionSlugs } from '../../server/deploy/functionUpload.ts';
import { expectedDenoJson, importsFor } from '../../server/deploy/importMaps.ts';

describe('function import maps', () => {
  it('match the imports and package.json (run `npm run functions:import-maps` when stale)', async () => {
    for (const slug of await functionSlugs(process.cwd())) {
      const committed = await readFile(path.resolve('supabase/functions', slug, 'deno.json'), 'utf8');
      expect(committed, `${slug}/deno.json is stale`).toBe(await expectedDenoJson(process.cwd(), slug));
    }
  });

  it('pin one npm: specifier per import, subpaths included, and refuse unpinned or unlisted packages', () => {
    const pins = new Map([
      ['zod', '4.6.7'],
      ['gpt-tokenizer', '4.0.0'],
      ['loose', '^1.0.0'],
    ]);
    expect(importsFor(['zod', 'gpt-tokenizer/encoding/o200k_base'], pins)).toEqual({
      'gpt-tokenizer/encoding/o200k_base': 'npm:gpt-tokenizer@4.0.0/encoding/o200k_base',
      zod: 'npm:zod@4.6.7',
    });
    expect(() => importsFor(['loose'], pins)).toThrow(/not an exact version/);
    expect(() => importsFor(['left-pad'], pins)).toThrow(/does not list left-pad/);
  });
});
