/**
 * supabase/config.toml's `[functions.<slug>]` sections: Supabase's gateway verifies a JWT before a
 * function runs unless `verify_jwt = false`, which would refuse x-api-key calls and the public docs.
 * Every deployed function has a section, and JWT verification is off exactly where a route takes an
 * API key or no credential at all.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { functionSlugs } from '../../server/deploy/functionUpload.ts';
import { denoBinary } from '../../server/gateway/denoFunctions.ts';

/** Each served function's routes' access, read by Deno from the apps themselves. */
async function routeAccess(): Promise<Map<string, string[]>> {
  const script = `
    import { API_FUNCTIONS } from './supabase/functions/_shared/apiFunctions.ts';
    import docs from './supabase/functions/docs/app.ts';
    console.log(JSON.stringify([...API_FUNCTIONS, docs].map((f) => [f.name, f.routes.map((r) => r.access ?? 'caller')])));`;
  const { stdout } = await promisify(execFile)(denoBinary(), ['eval', '--ext=ts', script], {
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  return new Map(JSON.parse(stdout) as [string, string[]][]);
}

function verifyJwtSettings(toml: string): Map<string, boolean> {
  const settings = new Map<string, boolean>();
  for (const m of toml.matchAll(/^\[functions\.([\w-]+)\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/gm)) {
    const v = /^\s*verify_jwt\s*=\s*(true|false)\s*$/m.exec(m[2]!)?.[1];
    if (v) settings.set(m[1]!, v === 'true');
  }
  return settings;
}

describe('config.toml functions', () => {
  it(
    'turns JWT verification off exactly for the functions that take API keys or anonymous calls',
    { timeout: 60_000 },
    async () => {
      const settings = verifyJwtSettings(await readFile(path.resolve('supabase/config.toml'), 'utf8'));
      const functions = await routeAccess();
      const slugs = await functionSlugs(process.cwd());
      expect([...settings.keys()].sort()).toEqual(slugs);
      for (const slug of slugs) {
        const access = functions.get(slug);
        expect(access, `${slug} is deployed but not served`).toBeDefined();
        const needsOwnAuth = access!.some((a) => a !== 'user');
        expect(settings.get(slug), `[functions.${slug}] verify_jwt`).toBe(!needsOwnAuth);
      }
      expect(settings.get('docs')).toBe(false);
      expect(settings.get('api-keys')).toBe(true);
    },
  );
});
