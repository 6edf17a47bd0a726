import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Iwer from 'iwer';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ChenuDebugHandle } from '../../client/room/debugHandle.ts';
import type { ClientStack } from './clientStack.ts';

declare global {
  interface Window {
    /** The open room's stores and feed (client/room/debugHandle.ts). */
    __chenu?: ChenuDebugHandle;
  }
}
import { launchChromium } from './launchChromium.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots and traces land here (git-ignored). */
export const RESULTS_DIR = path.join(repo, 'test-results', 'e2e');

export interface ServedClient {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds the client with the repo's vite.config.ts and serves it with `vite preview` on loopback.
 * `env` (VITE_* variables: the gateway URL and anon key, the realtime URL) is baked into the build.
 */
export async function serveClient(env: Record<`VITE_${string}`, string> = {}): Promise<ServedClient> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'chenu-e2e-client-'));
  const configFile = path.join(repo, 'vite.config.ts');
  // Vite reads VITE_* from process.env into import.meta.env (the client parses the whole object)
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    await build({
      configFile,
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4096 },
    });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      Reflect.deleteProperty(process.env, k);
      if (v !== undefined) process.env[k] = v;
    }
  }
  const server: PreviewServer = await preview({
    configFile,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('e2e: vite preview did not report a local URL');
  return {
    url,
    async close() {
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** An IWER Synthetic Environment (@iwer/sem scene JSON): what the emulated cameras "see" in AR. */
export interface SyntheticEnvironment {
  readonly type: 'scene';
  readonly version: 1;
  readonly spatialEntities: readonly unknown[];
}

/**
 * A real-world floor for IWER's synthetic environment: one square triangle mesh of `sizeM` at y = 0 of
 * the session's space, facing up. IWER answers hit tests only by ray-casting the environment's MESHES
 * (planes and boxes are not hit), so the floor is a mesh. Built here: nothing is fetched at run time.
 */
export function syntheticFloor(sizeM = 10): SyntheticEnvironment {
  const h = sizeM / 2;
  const vertices = new Float32Array([-h, 0, -h, h, 0, -h, h, 0, h, -h, 0, h]);
  const indices = new Uint32Array([3, 2, 1, 3, 1, 0]); // counter-clockwise seen from above: normal +y
  const b64 = (a: Float32Array | Uint32Array) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    type: 'scene',
    version: 1,
    spatialEntities: [
      {
        uuid: '7d0b6c1e-0000-4000-8000-f100f100f100',
        semanticLabel_META: 'FLOOR',
        locatable_META: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
        triangleMesh_META: { vertices: b64(vertices), indices: b64(indices) },
      },
    ],
  };
}

/**
 * Injects IWER into every page of `context` before its scripts run, emulating a Meta Quest 3; the
 * device is `window.iwerDevice`. Chromium must run with WebXR disabled (launchChromium's
 * `webxrEmulation`), or IWER leaves the native runtime in place. With `environment`, IWER's Synthetic
 * Environment Module (@iwer/sem, its UMD build from node_modules) is installed with that scene: AR
 * sessions then get hit-test results and an emulated passthrough view behind the app's canvas.
 */
export async function emulateQuest3(
  context: BrowserContext,
  options: { environment?: SyntheticEnvironment } = {},
): Promise<void> {
  const require = createRequire(import.meta.url);
  await context.addInitScript({ path: require.resolve('iwer/build/iwer.min.js') });
  if (options.environment) {
    await context.addInitScript({ path: require.resolve('@iwer/sem/build/iwer-sem.min.js') });
  }
  await context.addInitScript((environment) => {
    const IWER = (globalThis as unknown as { IWER: typeof Iwer }).IWER;
    const device = new IWER.XRDevice(IWER.metaQuest3);
    device.installRuntime();
    if (environment) {
      const SEM = (globalThis as unknown as { IWER_SEM: { SyntheticEnvironmentModule: unknown } }).IWER_SEM;
      device.installSEM(SEM.SyntheticEnvironmentModule as Parameters<typeof device.installSEM>[0]);
      (device.sem as unknown as { loadEnvironment(json: unknown): void }).loadEnvironment(environment);
    }
    (globalThis as unknown as { iwerDevice: unknown }).iwerDevice = device;
  }, options.environment ?? null);
}

/** Waits `n` animation frames of the page (the XR session drives them while immersive). */
export function frames(page: Page, n: number): Promise<void> {
  return page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        const device = (globalThis as unknown as { iwerDevice?: { activeSession?: XRSession } }).iwerDevice;
        const session = device?.activeSession;
        let left = count;
        const tick = () => (--left <= 0 ? resolve() : request());
        const request = () => (session ? session.requestAnimationFrame(tick) : requestAnimationFrame(tick));
        request();
      }),
    n,
  );
}

/**
 * Console messages the browser itself prints under software WebGL, which no page code can avoid
 * (SwiftShader's read-back stalls and its deprecation notice). Everything else a page prints at
 * warning or error level fails the test.
 */
export const BROWSER_NOISE: readonly RegExp[] = [
  /GPU stall due to ReadPixels/,
  /Automatic fallback to software WebGL has been deprecated/,
];

/** What went wrong on a page: console errors and warnings, uncaught errors, failed or missing files. */
export interface PageProblems {
  readonly list: string[];
}

/**
 * Records every problem of `page`: a console error or warning (unless `allow` names it or it is
 * BROWSER_NOISE), an uncaught exception, a request that failed, and any HTTP answer of 400 or more
 * (a missing asset, an API refusal: a test that provokes one names it in `allow`, as
 * `HTTP <status> <method> <url>`). The e2e suites assert the list is empty after each test.
 */
export function watchPage(page: Page, problems: PageProblems, allow: readonly RegExp[] = []): void {
  const allowed = (text: string) => [...BROWSER_NOISE, ...allow].some((re) => re.test(text));
  page.on('console', (m) => {
    const type = m.type();
    if (type !== 'error' && type !== 'warning') return;
    const text = m.text();
    // the browser's own line for a failed HTTP answer; the response itself is recorded below, with its URL
    if (text.startsWith('Failed to load resource: the server responded with a status of')) return;
    if (!allowed(text)) problems.list.push(`console.${type}: ${text}`);
  });
  page.on('pageerror', (e) => problems.list.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    const reason = r.failure()?.errorText ?? 'failed';
    // a navigation away aborts what was in flight: not a fault of the page
    if (reason !== 'net::ERR_ABORTED') problems.list.push(`request failed: ${r.url()} (${reason})`);
  });
  page.on('response', (r) => {
    if (r.status() < 400) return;
    const line = `HTTP ${r.status()} ${r.request().method()} ${r.url()}`;
    if (!allowed(line)) problems.list.push(line);
  });
}

/**
 * axe-core (the pinned devDependency, injected from node_modules) on the page as it is now: the
 * violations of impact serious or critical (WCAG 2.x A/AA rules and best practices), as
 * `rule: target…` lines for the test's failure message.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const injected = await page.evaluate(() => 'axe' in globalThis);
  if (!injected) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{ violations: { id: string; impact?: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
}

export async function screenshotPath(name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  return path.join(RESULTS_DIR, `${name}.png`);
}

/**
 * For one test file: the client served against `stack` and a Chromium ready for IWER, both started
 * before its tests; after them the contexts the file pushed to `contexts`, the browser and the
 * server are closed.
 */
export function useXRBrowser(
  stack: ClientStack,
  options: { fakeMedia?: boolean } = {},
): {
  client: () => ServedClient;
  browser: () => Browser;
  contexts: BrowserContext[];
  /**
   * A context whose every page is watched (`watchPage`): after each test the problems must be none.
   * `allow` names console messages a test expects (e.g. a refusal it provokes on purpose).
   */
  newContext(options?: BrowserContextOptions, allow?: readonly RegExp[]): Promise<BrowserContext>;
  problems: PageProblems;
} {
  let client: ServedClient | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const problems: PageProblems = { list: [] };
  afterEach(async (context) => {
    // a failed test leaves a picture of every open page, to see what it saw
    if (context.task.result?.state === 'fail') {
      const pages = contexts.flatMap((c) => c.pages());
      for (const [i, page] of pages.entries()) {
        const name = `failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}-${i}`;
        await page.screenshot({ path: await screenshotPath(name) }).catch(() => undefined);
      }
    }
    const found = problems.list.splice(0);
    expect(found, 'the pages printed errors or warnings, or got error answers').toEqual([]);
  });
  beforeAll(async () => {
    client = await serveClient({
      VITE_SUPABASE_URL: stack.api().url,
      VITE_SUPABASE_ANON_KEY: stack.api().anonKey,
      VITE_REALTIME_URL: stack.realtimeUrl(),
    });
    browser = await launchChromium({ webxrEmulation: true, fakeMedia: options.fakeMedia ?? false });
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await client?.close();
  });
  return {
    client: () => client ?? raise('the client is served in beforeAll'),
    browser: () => browser ?? raise('Chromium is launched in beforeAll'),
    contexts,
    problems,
    async newContext(options = {}, allow = []) {
      const context = await (browser ?? raise('Chromium is launched in beforeAll')).newContext(options);
      contexts.push(context);
      context.on('page', (page) => watchPage(page, problems, allow));
      return context;
    },
  };
}

function raise(message: string): never {
  throw new Error(message);
}
