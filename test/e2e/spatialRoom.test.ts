/**
 * The client end to end against the real stack of this file (gateway + Deno functions + Colyseus on
 * a seeded database of its own): sign in as alice, open a dataspace, post to the thread panel, enter
 * VR as an emulated Quest 3, grab and move an object with the controller, anchor it; a second browser
 * context in the same room sees the avatar, the moved object and the anchor; a governed action
 * debits the HUD balance. Screenshots in test-results/e2e/.
 */
import type { XRDevice } from 'iwer';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useClientStack } from './clientStack.ts';
import { emulateQuest3, screenshotPath, useXRBrowser } from './harness.ts';

declare global {
  interface Window {
    iwerDevice: XRDevice;
  }
}

/** The seeded note of alice's "Rénovation cuisine" room (supabase/seed.d/20_domain.sql), not anchored. */
const NOTE_ID = 'a1000000-0000-4000-8000-01b300000004';
/** Alice's seeded memory item and workspace panel of that dataspace (supabase/seed.sql). */
const MEMORY_ID = 'a1000000-0000-4000-8000-000c00000001';
const PANEL_ID = 'a1000000-0000-4000-8000-000800000001';
const SUMMARIZE = "Peux-tu résumer ce fil de discussion, en liste à puces s'il te plaît ?";

const stack = useClientStack('e2e_spatial', { realtime: true, timings: { grabLockMs: 60_000 } });
const { client, newContext } = useXRBrowser(stack);

/** Waits `n` animation frames of the page (the XR session drives them while immersive). */
const frames = (page: Page, n: number) =>
  page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        const session = window.iwerDevice?.activeSession;
        let left = count;
        const tick = () => (--left <= 0 ? resolve() : request());
        const request = () => (session ? session.requestAnimationFrame(tick) : requestAnimationFrame(tick));
        request();
      }),
    n,
  );

async function openRoomAsAlice(): Promise<Page> {
  const context = await newContext({ viewport: { width: 1280, height: 760 } });
  // software WebGL on a 2-core machine: joins and first frames can take longer than Playwright's 30 s
  context.setDefaultTimeout(60_000);
  await emulateQuest3(context);
  const page = await context.newPage();
  await page.goto(client().url);
  await page.getByLabel('Email').fill('alice@chenu.local');
  await page.getByLabel('Password').fill('chenu-demo-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'Rénovation cuisine' }).click();
  await page.locator('.room-canvas canvas').waitFor();
  await page.waitForFunction(() => window.__chenu?.feed.status.getState().status === 'connected');
  return page;
}

const balanceOf = async (page: Page) =>
  Number(await page.getByTestId('token-balance').getAttribute('data-value'));

describe('spatial room end to end (Chromium + IWER Quest 3, real stack)', () => {
  it('posts, grabs, moves and anchors in VR; a second context sees it; a governed run debits the HUD', async () => {
    const a = await openRoomAsAlice();

    // post to the thread panel (2D overlay on desktop)
    await a.getByLabel('Message', { exact: true }).fill('Bonjour depuis le salon virtuel');
    await a.getByRole('button', { name: 'Post' }).click();
    await a.getByRole('list', { name: 'Messages' }).getByText('Bonjour depuis le salon virtuel').waitFor();
    await a.waitForFunction((id) => window.__chenu!.room.findObject(id) !== undefined, NOTE_ID);
    // the dataspace as a room: its memory item on the card wall (one instanced mesh), its workspace
    // panel placed by the layout, its open thread floating, a meeting table (it has a meeting)
    await a.waitForFunction(
      ({ memoryId, panelId }) => {
        const root = window.__chenu!.spatial.root;
        const backs = root?.getObjectByName('memory-card-backs') as
          { userData: { itemIds?: string[] } } | undefined;
        return (
          !!backs?.userData.itemIds?.includes(memoryId) &&
          !!root!.getObjectByName(`workspace-panel-${panelId}`) &&
          !!root!.getObjectByName('meeting-table') &&
          root!.getObjectByName('thread-boards')!.children.length > 0
        );
      },
      { memoryId: MEMORY_ID, panelId: PANEL_ID },
    );
    await frames(a, 5);
    await a.screenshot({ path: await screenshotPath('room-desktop') });
    // close-ups without the 2D overlay: memory wall, workspaces (left), thread panels (right)
    const overlay = a.locator('.room-hud');
    await overlay.evaluate((el: HTMLElement) => void (el.style.visibility = 'hidden'));
    for (const [name, x, z, yaw] of [
      ['room-desktop-memory', 0, -2.7, 0],
      ['room-desktop-workspaces', -1, 0, Math.PI / 2],
      ['room-desktop-threads', 1, 0, -Math.PI / 2],
    ] as const) {
      await a.evaluate(
        ([x, z, yaw]) => {
          const loc = window.__chenu!.locomotion;
          Object.assign(loc.position, { x, z });
          loc.yaw = yaw;
        },
        [x, z, yaw] as const,
      );
      await frames(a, 5);
      await a.screenshot({ path: await screenshotPath(name) });
    }
    await a.evaluate(() => {
      Object.assign(window.__chenu!.locomotion.position, { x: 0, z: 4 });
      window.__chenu!.locomotion.yaw = 0;
    });
    await overlay.evaluate((el: HTMLElement) => void (el.style.visibility = ''));

    // a second device of alice in the same room sees the first one's avatar
    const b = await openRoomAsAlice();
    const aSession = await a.evaluate(() => window.__chenu!.feed.selfId);
    await b.waitForFunction(
      (id) => window.__chenu!.room.getState().avatars.some((av) => av.id === id),
      aSession,
    );
    await expect(b.getByRole('button', { name: /People here/ }).textContent()).resolves.toContain('Alice');

    // enter VR as a Quest 3 and grab the note with the right controller
    await a.getByRole('button', { name: 'Enter VR' }).click();
    await a.waitForFunction(() => window.iwerDevice.activeSession !== undefined, null, { timeout: 20_000 });
    // the 3D panels' Latin-1 MSDF font came from the app's own assets, and nothing from elsewhere
    const resources = await a.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(resources.some((u) => u.startsWith(client().url) && u.endsWith('/fonts/msdf/inter-400.png'))).toBe(
      true,
    );
    expect(resources.filter((u) => /^(https?|wss?):\/\/(?!127\.0\.0\.1[:/])/.test(u))).toEqual([]);
    await frames(a, 10);
    const target = await a.evaluate((id) => {
      const t = window.__chenu!.room.findObject(id)!.track.to;
      const origin = window.__chenu!.locomotion.position;
      const right = window.iwerDevice.controllers.right!;
      right.position.set(t[0]! - origin.x, t[1]! - origin.y, t[2]! - origin.z);
      return { x: t[0]!, y: t[1]!, z: t[2]! };
    }, NOTE_ID);
    await frames(a, 5);
    await a.screenshot({ path: await screenshotPath('room-vr-before-grab') });
    await a.evaluate(() => window.iwerDevice.controllers.right!.updateButtonValue('trigger', 1));
    await a.waitForFunction(
      (id) => window.__chenu!.room.findObject(id)?.heldBy === window.__chenu!.feed.selfId,
      NOTE_ID,
    );
    await a.evaluate(() => {
      const right = window.iwerDevice.controllers.right!;
      right.position.set(right.position.x + 0.3, right.position.y + 0.1, right.position.z);
    });
    await frames(a, 10);
    await a.evaluate(() => window.iwerDevice.controllers.right!.updateButtonValue('trigger', 0));
    await frames(a, 3);
    await a.screenshot({ path: await screenshotPath('room-vr-after-move') });

    // the other context sees the object where the controller left it, free again
    await b.waitForFunction(
      ({ id, x, y }) => {
        const o = window.__chenu!.room.findObject(id);
        return (
          !!o &&
          o.heldBy === null &&
          Math.abs(o.track.to[0]! - x) < 0.02 &&
          Math.abs(o.track.to[1]! - y) < 0.02
        );
      },
      { id: NOTE_ID, x: target.x + 0.3, y: target.y + 0.1 },
    );

    // the A button anchors the last held object; the anchor reaches the other context
    await a.evaluate(() => window.iwerDevice.controllers.right!.updateButtonValue('a-button', 1));
    await b.waitForFunction(
      (id) => window.__chenu!.room.getState().anchors.some((an) => an.objectId === id),
      NOTE_ID,
    );
    await a.evaluate(() => window.iwerDevice.controllers.right!.updateButtonValue('a-button', 0));

    // a governed action on the thread panel (second context, desktop): review, confirm, balance drops
    const before = await balanceOf(b);
    expect(before).toBeGreaterThan(0);
    await b.getByRole('button', { name: /Choose an agent/ }).click();
    await b.getByRole('option', { name: /Résumeur/ }).click();
    await b.getByLabel('Your request').fill(SUMMARIZE);
    await b.getByRole('button', { name: 'Review' }).click();
    await b.getByRole('region', { name: 'Confirm governed action' }).waitFor();
    // the estimate is shown before confirming: cost and the ledger's verdict
    const verdict = b.getByTestId('estimate-verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toBe('Within your balance and budgets');
    const estimated = Number(await b.getByTestId('estimate-tokens').getAttribute('data-tokens'));
    expect(estimated).toBeGreaterThan(0);
    await b.getByRole('button', { name: 'Confirm', exact: true }).click();
    await b.getByTestId('run-tokens').waitFor();
    const used = Number(await b.getByTestId('run-tokens').getAttribute('data-used'));
    // the HUD follows the ledger's realtime events: the hold (reserve) may show before the commit
    // does, so wait for the settled figure rather than for the first drop
    await b
      .waitForFunction(
        (settled) =>
          Number(document.querySelector('[data-testid=token-balance]')?.getAttribute('data-value')) ===
          settled,
        before - used,
        { timeout: 10_000 },
      )
      .catch(() => undefined);
    expect(await balanceOf(b)).toBe(before - used);
    expect(used).toBeLessThanOrEqual(estimated);
    await b.getByRole('list', { name: 'Messages' }).locator('li[data-author=agent]').first().waitFor();
    await b.screenshot({ path: await screenshotPath('room-desktop-after-governed-run') });
  }, 240_000);
});
