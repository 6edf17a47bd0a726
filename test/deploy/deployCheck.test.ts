/**
 * The offline deploy check (server/deploy/deployCheck.ts) on the real functions, and on a scratch
 * copy of the project where a function is broken the ways a deploy breaks: a bare import the import
 * map does not name, a relative import that leaves the project root.
 */
import { appendFile, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deployCheck,
  denoMajor,
  edgeRuntimeDenoMajor,
  populateDenoCache,
} from '../../server/deploy/deployCheck.ts';
import { functionSlugs, functionUpload } from '../../server/deploy/functionUpload.ts';
import { denoBinary } from '../../server/gateway/denoFunctions.ts';

const root = process.cwd();
const options = { root, denoDir: path.resolve('.chenu', 'deno-deploy'), deno: denoBinary() };
let scratch: string;

beforeAll(async () => {
  // the one step that reaches the npm registry (quick when the cache is already filled)
  await populateDenoCache(options);
  scratch = await mkdtemp(path.join(os.tmpdir(), 'chenu-deploy-scratch-'));
  for (const part of ['package.json', 'supabase/config.toml', 'supabase/functions', 'server', 'shared']) {
    await cp(path.join(root, part), path.join(scratch, part), { recursive: true });
  }
}, 300_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('offline deploy check', () => {
  it('runs the Deno major the edge runtime runs', async () => {
    expect(await denoMajor(options.deno)).toBe(await edgeRuntimeDenoMajor(root));
  });

  it('stages no package.json or node_modules, and resolves every function offline', async () => {
    const slugs = await functionSlugs(root);
    expect(slugs).toContain('agents');
    for (const slug of slugs) {
      const upload = await functionUpload(root, slug);
      expect(upload.importMap).toBe(`supabase/functions/${slug}/deno.json`);
      expect(upload.files.some((f) => /package\.json$|node_modules/.test(f))).toBe(false);
    }
    const results = await deployCheck(options);
    const failed = results.filter((r) => !r.ok).map((r) => `${r.slug}: ${r.output}`);
    expect(failed).toEqual([]);
    expect(results.map((r) => r.slug)).toEqual(slugs);
  }, 600_000);

  it('fails a function whose code gains a bare import its import map does not name', async () => {
    // shared/pipeline/tokens.ts is reached by agents (through the pipeline), not by spheres
    const file = path.join(scratch, 'shared/pipeline/tokens.ts');
    const original = await readFile(file, 'utf8');
    await appendFile(file, "\nimport 'yjs';\n");
    try {
      const results = await deployCheck({ ...options, root: scratch, slugs: ['agents', 'spheres'] });
      const agents = results.find((r) => r.slug === 'agents')!;
      expect(agents.ok).toBe(false);
      expect(agents.output).toMatch(/"yjs" not a dependency and not in import map/);
      expect(results.find((r) => r.slug === 'spheres')!.ok).toBe(true);
    } finally {
      await writeFile(file, original);
    }
  }, 300_000);

  it('refuses a relative import that leaves the project root', async () => {
    const file = path.join(scratch, 'supabase/functions/spheres/app.ts');
    const original = await readFile(file, 'utf8');
    await writeFile(file, `import '../../../../outside.ts';\n${original}`);
    try {
      const [spheres] = await deployCheck({ ...options, root: scratch, slugs: ['spheres'] });
      expect(spheres!.ok).toBe(false);
      expect(spheres!.output).toMatch(/outside\.ts is outside the project root/);
    } finally {
      await writeFile(file, original);
    }
  });
});
