/**
 * The offline deploy check: for each function, stage exactly what `supabase functions deploy` would
 * upload (functionUpload.ts: the entrypoint, the files its relative imports reach, its import map;
 * no package.json, no node_modules) in a folder of its own, then type-check it there as the edge
 * runtime would resolve it: `DENO_NO_PACKAGE_JSON=1 deno check --cached-only` with the import map,
 * on the Deno major the edge runtime runs (`[edge_runtime] deno_version` of supabase/config.toml).
 * Anything the stage cannot resolve fails the function: a bare import missing from the map, a file
 * the CLI's import scan would not upload, a version package.json pins but the map does not.
 *
 * Offline: the npm packages come from a Deno cache filled beforehand (`populateDenoCache`, which
 * reaches the npm registry: `npm run functions:cache`); during the check every proxy variable points
 * at a closed loopback port, so a download attempt fails instead of quietly succeeding (`--cached-only`
 * alone still fetches npm registry metadata when a version is missing from the cache).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { functionSlugs, functionUpload, UploadError, type FunctionUpload } from './functionUpload.ts';

export interface DeployCheckOptions {
  /** The project root (holds supabase/, server/, shared/, package.json). */
  root: string;
  /** DENO_DIR with the npm packages (filled by populateDenoCache). */
  denoDir: string;
  /** The Deno binary (the npm `deno` package's). */
  deno: string;
  /** Only these functions (default: every function the CLI would deploy). */
  slugs?: string[];
  /** Functions checked at once (default 2). */
  concurrency?: number;
}

/** The outcome for one function. */
export interface FunctionCheck {
  slug: string;
  ok: boolean;
  /** Files staged (sources + import map). */
  files: number;
  /** Deno's output, or why staging failed. */
  output: string;
  ms: number;
}

/** Nothing listens on the discard port of loopback: a request sent there is refused at once. */
const NO_NETWORK = 'http://127.0.0.1:9';

interface Run {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * The environment Deno runs in for a stage: the caller's (certificates, proxies, registry settings)
 * with no package.json and the given cache; offline, every proxy points at a closed port.
 */
function denoEnv(denoDir: string, offline: boolean): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !(offline && /^(\w+_proxy)$/i.test(e[0])),
    ),
  );
  return {
    ...inherited,
    DENO_DIR: path.resolve(denoDir),
    DENO_NO_PACKAGE_JSON: '1',
    DENO_NO_UPDATE_CHECK: '1',
    NO_COLOR: '1',
    ...(offline
      ? { HTTP_PROXY: NO_NETWORK, HTTPS_PROXY: NO_NETWORK, ALL_PROXY: NO_NETWORK, NO_PROXY: '' }
      : {}),
  };
}

/** Copies `upload`'s files and import map under `dir`, at their project-relative paths. */
export async function stageUpload(root: string, upload: FunctionUpload, dir: string): Promise<number> {
  const files = [...upload.files, ...(upload.importMap ? [upload.importMap] : [])];
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await cp(path.join(root, file), path.join(dir, file));
  }
  return files.length;
}

function denoArgs(command: 'check' | 'cache', upload: FunctionUpload): string[] {
  return [
    command,
    ...(command === 'check' ? ['--cached-only'] : []),
    '--no-lock',
    ...(upload.importMap ? ['--config', upload.importMap] : []),
    upload.entrypoint,
  ];
}

/** `deno --version`'s major. */
export async function denoMajor(deno: string): Promise<number> {
  const { output } = await run(deno, ['--version'], process.cwd(), { PATH: process.env.PATH ?? '' });
  const m = /^deno (\d+)\./m.exec(output);
  if (!m) throw new Error(`cannot read the version of ${deno}: ${output.trim()}`);
  return Number(m[1]);
}

/** `[edge_runtime] deno_version` of supabase/config.toml: the Deno major the edge runtime runs. */
export async function edgeRuntimeDenoMajor(root: string): Promise<number> {
  const toml = await readFile(path.join(root, 'supabase', 'config.toml'), 'utf8');
  const section = /^\[edge_runtime\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? '';
  const m = /^\s*deno_version\s*=\s*(\d+)\s*$/m.exec(section);
  if (!m) throw new Error('supabase/config.toml: [edge_runtime] deno_version is missing');
  return Number(m[1]);
}

async function assertSameMajor(options: DeployCheckOptions): Promise<void> {
  const [local, edge] = await Promise.all([denoMajor(options.deno), edgeRuntimeDenoMajor(options.root)]);
  if (local !== edge) {
    throw new Error(
      `the edge runtime runs Deno ${edge} (supabase/config.toml), but ${options.deno} is Deno ${local}: ` +
        'pin the npm "deno" package to that major',
    );
  }
}

/** Runs `work` over `items`, `limit` at a time, keeping their order. */
async function pooled<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function withStage<R>(
  options: DeployCheckOptions,
  slug: string,
  body: (stage: string, upload: FunctionUpload, files: number) => Promise<R>,
): Promise<R> {
  const upload = await functionUpload(options.root, slug);
  // one stable folder per project and function, so Deno's type-check cache serves an unchanged stage
  const project = createHash('sha256').update(path.resolve(options.root)).digest('hex').slice(0, 12);
  const stage = path.join(os.tmpdir(), 'chenu-deploy-stage', project, slug);
  await rm(stage, { recursive: true, force: true });
  try {
    return await body(stage, upload, await stageUpload(options.root, upload, stage));
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Checks every function (or `options.slugs`) offline; never throws for a function that fails. */
export async function deployCheck(options: DeployCheckOptions): Promise<FunctionCheck[]> {
  await assertSameMajor(options);
  const slugs = options.slugs ?? (await functionSlugs(options.root));
  return pooled(slugs, options.concurrency ?? 2, async (slug) => {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      return await withStage(options, slug, async (stage, upload, files) => {
        const r = await run(options.deno, denoArgs('check', upload), stage, denoEnv(options.denoDir, true));
        return { slug, ok: r.code === 0, files, output: r.output.trim(), ms: ms() };
      });
    } catch (error) {
      if (!(error instanceof UploadError)) throw error;
      return { slug, ok: false, files: 0, output: error.message, ms: ms() };
    }
  });
}

/**
 * Fills `options.denoDir` with the npm packages every function's import map names, from the npm
 * registry (the one step that needs the network; run before the check, e.g. `npm run functions:cache`).
 */
export async function populateDenoCache(options: DeployCheckOptions): Promise<void> {
  await assertSameMajor(options);
  const slugs = options.slugs ?? (await functionSlugs(options.root));
  await pooled(slugs, options.concurrency ?? 2, (slug) =>
    withStage(options, slug, async (stage, upload) => {
      const r = await run(options.deno, denoArgs('cache', upload), stage, denoEnv(options.denoDir, false));
      if (r.code !== 0) throw new Error(`deno cache of ${slug} failed:\n${r.output.trim()}`);
    }).catch((error: unknown) => {
      // a function that cannot be staged fails the check itself, with its reason
      if (!(error instanceof UploadError)) throw error;
    }),
  );
}
