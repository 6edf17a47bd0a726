/**
 * The import map of each deployed function (`supabase/functions/<slug>/deno.json`, the per-function
 * file the Supabase CLI prefers): one `npm:` specifier per bare import its upload reaches, pinned to
 * the exact version package.json pins, so the edge runtime (no package.json, no node_modules) runs
 * the versions the tests ran. `npm run functions:import-maps` writes them; a test fails when one
 * differs from what this module derives (a new import, a version bump).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { bareImports, FUNCTIONS_DIR, walkUpload } from './functionUpload.ts';

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The exact versions of package.json `dependencies` (a range is refused: deploys must be pinned). */
export async function pinnedDependencies(root: string): Promise<Map<string, string>> {
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  return new Map(Object.entries(pkg.dependencies ?? {}));
}

/** The `imports` a function's deno.json must hold for `bare` specifiers. */
export function importsFor(bare: readonly string[], pins: Map<string, string>): Record<string, string> {
  const imports: Record<string, string> = {};
  for (const specifier of bare) {
    const name = packageOf(specifier);
    const version = pins.get(name);
    if (!version) {
      throw new Error(`${specifier}: package.json "dependencies" does not list ${name}`);
    }
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version)) {
      throw new Error(`${name}: package.json pins "${version}", not an exact version`);
    }
    // one entry per specifier: Deno cannot map a `pkg/` prefix onto an `npm:` URL
    imports[specifier] = `npm:${name}@${version}${specifier.slice(name.length)}`;
  }
  return Object.fromEntries(Object.entries(imports).sort(([a], [b]) => a.localeCompare(b)));
}

/** The text `supabase/functions/<slug>/deno.json` must have (formatted as Prettier leaves it). */
export async function expectedDenoJson(root: string, slug: string): Promise<string> {
  const files = await walkUpload(root, slug, `${FUNCTIONS_DIR}/${slug}/index.ts`, {});
  const imports = importsFor(await bareImports(root, files), await pinnedDependencies(root));
  return `${JSON.stringify({ imports }, null, 2)}\n`;
}
