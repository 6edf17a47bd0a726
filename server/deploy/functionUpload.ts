/**
 * What `supabase functions deploy` uploads for one function, computed the way the Supabase CLI does
 * it (apps/cli-go `internal/functions/deploy` + `pkg/function/deno.go`, CLI 2.x): the functions are
 * the folders of `supabase/functions/*` with an `index.ts` and a slug of `[A-Za-z][A-Za-z0-9_-]*`
 * (so `_main` and `_shared` are none); the import map is the function's `deno.json`, else its
 * `deno.jsonc`, else its `import_map.json`, else `supabase/functions/import_map.json`; the files are
 * the entrypoint plus every file reached by a text scan of `import`/`export … from '<path>'` and
 * `import('<path>')`, where a specifier the import map rewrites is taken as rewritten, only `./`,
 * `../` and `/` paths with an extension are followed, and each is joined to the importing file's
 * folder. Bare specifiers are left to the runtime, which then resolves them through the import map
 * only: the edge runtime bundles with `DENO_NO_PACKAGE_JSON`, so there is no package.json or
 * node_modules behind them.
 *
 * Stricter than the CLI where the CLI would deploy something broken: a file that does not exist, or a
 * path that leaves the project root (the deploy API refuses `..` segments), is an error here.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';

/** The functions folder, relative to the project root, as the CLI names it. */
export const FUNCTIONS_DIR = 'supabase/functions';
/** The import map every function falls back to when it has none of its own. */
export const FALLBACK_IMPORT_MAP = `${FUNCTIONS_DIR}/import_map.json`;

const SLUG = /^[A-Za-z][A-Za-z0-9_-]*$/;
/**
 * The CLI's import scan (`importPathPattern` of pkg/function/deno.go): an import or export statement
 * with its `from` string on the same line (braces may span lines), or a dynamic `import('…')`.
 */
const IMPORT_SCAN =
  /(?:import|export)\s+(?:type\s+)?(?:{[^{}]+}|.*?)\s*(?:from)?\s*['"](.*?)['"]|import\(\s*['"](.*?)['"]\)/gi;

/** Why a function cannot be uploaded as it is. */
export class UploadError extends Error {
  constructor(
    readonly slug: string,
    message: string,
  ) {
    super(`${slug}: ${message}`);
    this.name = 'UploadError';
  }
}

/** The upload of one function: project-relative POSIX paths. */
export interface FunctionUpload {
  slug: string;
  entrypoint: string;
  /** The import map the CLI sends, or null when the function has none. */
  importMap: string | null;
  /** `imports` of that map (what the runtime resolves bare specifiers with). */
  imports: Record<string, string>;
  /** Every source file uploaded, the entrypoint first. */
  files: string[];
}

/** The function slugs the CLI deploys by default (`supabase/functions/*\/index.ts`). */
export async function functionSlugs(root: string): Promise<string[]> {
  const entries = await readdir(path.join(root, FUNCTIONS_DIR), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && SLUG.test(e.name))
    .filter((e) => existsSync(path.join(root, FUNCTIONS_DIR, e.name, 'index.ts')))
    .map((e) => e.name)
    .sort();
}

/** The import map the CLI picks for `slug` (no `--import-map` flag, no `import_map` in config.toml). */
export function importMapOf(root: string, slug: string): string | null {
  const dir = `${FUNCTIONS_DIR}/${slug}`;
  for (const candidate of [`${dir}/deno.json`, `${dir}/deno.jsonc`, `${dir}/import_map.json`]) {
    if (existsSync(path.join(root, candidate))) return candidate;
  }
  return existsSync(path.join(root, FALLBACK_IMPORT_MAP)) ? FALLBACK_IMPORT_MAP : null;
}

/** `imports` of an import map or deno.json (comments of a .jsonc are not supported here). */
export async function readImports(root: string, mapPath: string): Promise<Record<string, string>> {
  const parsed = JSON.parse(await readFile(path.join(root, mapPath), 'utf8')) as {
    imports?: Record<string, string>;
    importMap?: string;
  };
  if (!parsed.imports && parsed.importMap) {
    return readImports(root, path.posix.join(path.posix.dirname(mapPath), parsed.importMap));
  }
  return parsed.imports ?? {};
}

/** Every specifier the CLI's scan finds in `source`, in order. */
export function scannedSpecifiers(source: string): string[] {
  return [...source.matchAll(IMPORT_SCAN)].map((m) => (m[1] || m[2] || '').trim()).filter(Boolean);
}

/** A specifier resolved neither by path nor by URL scheme: the import map must name it. */
export function isBareSpecifier(specifier: string): boolean {
  return !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(specifier);
}

/** The specifier as the CLI's scan substitutes it with the import map (prefix match). */
function substitute(specifier: string, imports: Record<string, string>): { mod: string; mapped: boolean } {
  let mod = specifier;
  let mapped = false;
  for (const [key, value] of Object.entries(imports)) {
    if (mod.startsWith(key)) {
      mod = value + mod.slice(key.length);
      mapped = true;
    }
  }
  return { mod, mapped };
}

/**
 * Walks the files the CLI uploads from `entrypoint` (project-relative). Throws an UploadError on a
 * missing file or a path leaving the project root.
 */
export async function walkUpload(
  root: string,
  slug: string,
  entrypoint: string,
  imports: Record<string, string>,
): Promise<string[]> {
  const seen = new Set<string>();
  const queue = [entrypoint];
  while (queue.length > 0) {
    const current = queue.pop()!;
    if (seen.has(current)) continue;
    if (current.startsWith('/') || current === '..' || current.startsWith('../')) {
      throw new UploadError(slug, `${current} is outside the project root; the deploy API refuses it`);
    }
    seen.add(current);
    let source: string;
    try {
      source = await readFile(path.join(root, current), 'utf8');
    } catch {
      throw new UploadError(slug, `${current} is imported but does not exist`);
    }
    for (const specifier of scannedSpecifiers(source)) {
      const { mod, mapped } = substitute(specifier, imports);
      if (path.posix.extname(mod) === '') continue;
      const relative = mod.startsWith('./') || mod.startsWith('../');
      if (!relative && !mod.startsWith('/')) continue;
      const target = relative && !mapped ? path.posix.join(path.posix.dirname(current), mod) : mod;
      queue.push(path.posix.normalize(target));
    }
  }
  return [entrypoint, ...[...seen].filter((f) => f !== entrypoint).sort()];
}

/** What the CLI uploads for `slug`. */
export async function functionUpload(root: string, slug: string): Promise<FunctionUpload> {
  const entrypoint = `${FUNCTIONS_DIR}/${slug}/index.ts`;
  const importMap = importMapOf(root, slug);
  const imports = importMap ? await readImports(root, importMap) : {};
  return { slug, entrypoint, importMap, imports, files: await walkUpload(root, slug, entrypoint, imports) };
}

/**
 * Bare specifiers the uploaded files import (sorted, unique): what the import map must resolve. Read
 * with TypeScript's own import scanner, not the CLI's regex, which also matches quoted strings after
 * `export const`.
 */
export async function bareImports(root: string, files: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const file of files) {
    const source = await readFile(path.join(root, file), 'utf8');
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (isBareSpecifier(fileName)) found.add(fileName);
    }
  }
  return [...found].sort();
}
