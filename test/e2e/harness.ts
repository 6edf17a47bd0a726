import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Iwer from 'iwer';
import type { BrowserContext } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

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

/**
 * Injects IWER into every page of `context` before its scripts run, emulating a Meta Quest 3; the
 * device is `window.iwerDevice`. Chromium must run with WebXR disabled (launchChromium's
 * `webxrEmulation`), or IWER leaves the native runtime in place.
 */
export async function emulateQuest3(context: BrowserContext): Promise<void> {
  const require = createRequire(import.meta.url);
  await context.addInitScript({ path: require.resolve('iwer/build/iwer.min.js') });
  await context.addInitScript(() => {
    const IWER = (globalThis as unknown as { IWER: typeof Iwer }).IWER;
    const device = new IWER.XRDevice(IWER.metaQuest3);
    device.installRuntime();
    (globalThis as unknown as { iwerDevice: unknown }).iwerDevice = device;
  });
}

export async function screenshotPath(name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  return path.join(RESULTS_DIR, `${name}.png`);
}
