/**
 * Client rendering benchmark. Four scenes, each against its naive twin: the thread room of a
 * 500-message thread (the product lays out 12 messages at a time; naive: a uikit root per message)
 * and the workspace room of 50 panels (the product: one uikit root for a flat layout; naive: a root
 * per panel), test/bench/clientPage/placeScenes.tsx; the dataspace room with its full UI panels open
 * (UiRoom.tsx against NaiveUi.tsx); and a room with 100 avatars (head, hands, name tag, speaking
 * indicator) and 1,000 objects, rendered by the real product components and by a naive scene in the same headless
 * Chromium run. Prints draw calls, triangles and the median frame time over 300 frames (the frame's work
 * until a 1-pixel readback returns, so SwiftShader's rendering counts), the median main-thread part of
 * it, and the ratios. The canvas is 640x360 so software fill rate does not hide the scene's cost.
 *
 * Both sides draw the same content under the same renderer settings (R3F defaults: 4x MSAA, ACES tone
 * mapping, dpr 1), lights, floor and grid (RoomEnvironment) and materials (Lambert for heads, hands,
 * objects and floor; basic for tags and indicators), posed from the same simulated room store.
 * - instanced: RoomScene's components (client/avatars, client/objects). Avatars: instanced heads (four
 *   sphere levels of detail picked per head from its size on screen, <= 0.5 px silhouette error), hands
 *   (boxes, or their two large faces when under 0.5 px thick on screen), name tags (one atlas, those in view), speaking
 *   indicators (speakers only); heads, hands and indicators outside the view are left out. Objects: one
 *   draw per kind of a room-space vertex batch, objects outside the view left out and slabs under 0.5 px
 *   thick on screen drawn as their two large faces.
 *   In the full-UI scene every uikit root (room boards, walls, signs, headset panels) is the product's
 *   baked panel (client/spatial/panelBake.ts): one textured quad, rendered again only when it changes;
 *   panels with an opaque face draw it in the opaque pass first, writing depth, edges as MSAA coverage
 *   (what they hide is not shaded), text-only signs and headings blend it as a transparent quad.
 * - naive: one mesh (one draw call) per head, hand, tag, indicator and object, every part at full
 *   detail, three's per-mesh frustum culling and opaque sorting (test/bench/clientPage/NaiveRoom.tsx).
 * Run: `npm run bench:client`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build, preview } from 'vite';
import type { BenchResult } from './clientPage/benchMain.tsx';
import { launchChromium } from '../e2e/launchChromium.ts';

const FRAMES = 300;
/** The scenes measured, each against its naive twin. */
const ALL_SCENES = ['room', 'thread', 'workspace', 'ui'] as const;
/**
 * `BENCH_SCENES=workspace,ui npm run bench:client` measures only those scenes (all by default);
 * `BENCH_SCREENSHOTS=<dir>` also saves what each side drew there.
 */
const SCENES = ALL_SCENES.filter(
  (s) => !process.env.BENCH_SCENES || process.env.BENCH_SCENES.split(',').includes(s),
);
const SCENE_NAMES: Record<(typeof ALL_SCENES)[number], string> = {
  room: 'dataspace room, 100 avatars + 1,000 objects',
  thread: 'thread room, 500 messages (issue 16)',
  workspace: 'workspace room, 50 panels (issue 16)',
  ui: 'dataspace room with its full UI panels open: thread, people + chat, share (keyboards out), token HUD (issue 16)',
};
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const outDir = await mkdtemp(path.join(os.tmpdir(), 'chenu-bench-client-'));
const shared = {
  root: path.join(repo, 'test/bench/clientPage'),
  publicDir: path.join(repo, 'assets'),
  plugins: [react()],
  resolve: { dedupe: ['three', 'react', 'react-dom'] },
  logLevel: 'warn' as const,
  configFile: false as const,
};
const t0 = performance.now();
await build({ ...shared, build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4096 } });
console.log(`built bench page in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const server = await preview({
  ...shared,
  build: { outDir },
  preview: { host: '127.0.0.1', port: 0, strictPort: false },
});
const url = server.resolvedUrls?.local[0];
if (!url) throw new Error('bench:client: vite preview did not report a local URL');

const browser = await launchChromium();
try {
  let allMet = true;
  for (const scene of SCENES) {
    const results: BenchResult[] = [];
    for (const mode of ['instanced', 'naive']) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      page.on('pageerror', (error) => console.error(`[${scene} ${mode}] page error:`, error.message));
      await page.goto(`${url}?mode=${mode}&scene=${scene}`);
      await page.waitForFunction(() => typeof window.runBench === 'function' || window.benchError, null, {
        timeout: 60_000,
      });
      const result = await page.evaluate((frames) => {
        if (!window.runBench) throw new Error(window.benchError ?? 'bench page failed');
        return window.runBench(frames);
      }, FRAMES);
      results.push(result);
      // BENCH_SCREENSHOTS=<dir>: what each side drew, to look at (after the timing, so it costs nothing)
      if (process.env.BENCH_SCREENSHOTS) {
        await page.screenshot({ path: path.join(process.env.BENCH_SCREENSHOTS, `${scene}-${mode}.png`) });
      }
      console.log(
        `${scene} ${mode}: measured in ${((performance.now() - t0) / 1000).toFixed(1)} s since start`,
      );
      await page.close();
    }
    console.log(`\n== scene: ${SCENE_NAMES[scene]}`);
    const [instanced, naive] = results as [BenchResult, BenchResult];
    console.log('mode       draw calls  triangles  median frame ms  p95 frame ms  median CPU ms');
    for (const r of results) {
      console.log(
        `${r.mode.padEnd(10)} ${String(r.drawCalls).padStart(10)} ${String(r.triangles).padStart(10)} ${r.medianFrameMs
          .toFixed(2)
          .padStart(16)} ${r.p95FrameMs.toFixed(2).padStart(13)} ${r.medianCpuMs.toFixed(2).padStart(14)}`,
      );
    }
    const frameRatio = instanced.medianFrameMs / naive.medianFrameMs;
    const cpuRatio = instanced.medianCpuMs / naive.medianCpuMs;
    console.log(`draw calls: instanced/naive = ${(instanced.drawCalls / naive.drawCalls).toFixed(4)}`);
    console.log(`median frame time incl. GPU readback: instanced/naive = ${frameRatio.toFixed(3)}`);
    console.log(`median main-thread frame time: instanced/naive = ${cpuRatio.toFixed(3)}`);
    const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`target <= 50 draw calls: ${met(instanced.drawCalls <= 50)}`);
    console.log(
      `target frame time <= 0.5 x naive: main thread ${met(cpuRatio <= 0.5)}, incl. GPU ${met(frameRatio <= 0.5)}`,
    );
    allMet &&= instanced.drawCalls <= 50 && cpuRatio <= 0.5;
  }
  console.log(
    'note: SwiftShader (software GL, no GPU here) runs an instanced draw once per instance; the product draws ' +
      'objects as one batch per kind, and fewer triangles than the naive scene through culling and LOD',
  );
  process.exitCode = allMet ? 0 : 1;
} finally {
  await browser.close();
  await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  await rm(outDir, { recursive: true, force: true });
}
