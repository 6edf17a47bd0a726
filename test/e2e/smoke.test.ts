import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { XRDevice } from 'iwer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulateQuest3, screenshotPath, serveClient, watchPage, type ServedClient } from './harness.ts';
import { launchChromium } from './launchChromium.ts';

declare global {
  interface Window {
    iwerDevice: XRDevice;
  }
}

/** Waits for `n` animation frames of the page (the XR session drives them while immersive). */
const frames = (page: Page, n: number) =>
  page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        const session = window.iwerDevice.activeSession;
        let left = count;
        const tick = () => (--left <= 0 ? resolve() : request());
        const request = () => (session ? session.requestAnimationFrame(tick) : requestAnimationFrame(tick));
        request();
      }),
    n,
  );

describe('client smoke (Chromium + IWER Quest 3)', () => {
  let client: ServedClient;
  let browser: Browser;

  beforeAll(async () => {
    client = await serveClient();
    browser = await launchChromium({ webxrEmulation: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await client?.close();
  });

  it('loads the room, enters VR through the xr store and follows a moved controller', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 640 } });
    await emulateQuest3(context);
    const page = await context.newPage();
    // any console error or warning, uncaught error or missing file fails the smoke test
    const problems = { list: [] as string[] };
    watchPage(page, problems);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    // `?demo`: the solo room with simulated peers, no backend
    await page.goto(`${client.url}?demo`);
    await page.locator('canvas').waitFor();
    const enterVR = page.getByRole('button', { name: 'Enter VR' });
    await enterVR.waitFor();
    await frames(page, 5);
    await page.screenshot({ path: await screenshotPath('desktop') });

    await enterVR.click();
    await page.waitForFunction(() => window.iwerDevice.activeSession !== undefined, null, {
      timeout: 20_000,
    });
    await frames(page, 10);
    const before = await page.screenshot({ path: await screenshotPath('vr-before-move') });

    await page.evaluate(() => {
      const right = window.iwerDevice.controllers.right!;
      right.position.set(0.1, 1.3, -0.35);
      right.updateButtonValue('trigger', 1);
    });
    await frames(page, 10);
    const after = await page.screenshot({ path: await screenshotPath('vr-after-move') });

    expect(problems.list).toEqual([]);
    expect(Buffer.compare(before, after)).not.toBe(0);
    // controller models come from assets/, never from a CDN
    const origin = new URL(client.url).origin;
    expect(requests.filter((u) => !u.startsWith(origin) && !/^(data|blob):/.test(u))).toEqual([]);
    expect(requests.some((u) => u.includes('/xr-profiles/'))).toBe(true);
    expect((await readFile(await screenshotPath('desktop'))).length).toBeGreaterThan(1000);
    await context.close();
  }, 60_000);
});
