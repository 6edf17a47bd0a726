/**
 * In the headset as a first-class citizen (issue 16), end to end in Chromium with IWER's Quest 3 on the
 * real stack of this file: the client's mode and hand tracking reach a second, desktop context and
 * show on the avatar's tag; AR asks for a DOM overlay with the app's overlay as its root. Screenshots
 * at each step in test-results/e2e/xr-parity-*.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { XRDebugHandle } from '../../client/xr/xrRuntime.tsx';
import { useClientStack } from './clientStack.ts';
import { emulateQuest3, frames, screenshotPath, syntheticFloor, useXRBrowser } from './harness.ts';

declare global {
  interface Window {
    __chenuXR?: XRDebugHandle;
    /** The session inits the page asked for, recorded by the test (not the app). */
    __sessionInits?: { mode: string; optionalFeatures: string[]; overlayRoot: string | null }[];
  }
}

const stack = useClientStack('e2e_xr_parity', { realtime: true });
const { client, newContext } = useXRBrowser(stack);
let a: Page; // Alice in the headset
let b: Page; // Alice's second device, a desktop

async function openRoom(page: Page, email = 'alice@chenu.local', password = 'chenu-demo-password') {
  await page.goto(client().url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('link', { name: 'Rénovation cuisine' }).click();
  await page.locator('.room-canvas canvas').waitFor();
  await page.waitForFunction(() => window.__chenu?.feed.status.getState().status === 'connected');
}

async function headset(): Promise<Page> {
  // IWER's Synthetic Environment Module, injected by the test, bundles its own three.js
  const context = await newContext({ viewport: { width: 960, height: 600 } }, [
    /Multiple instances of Three\.js being imported/,
  ]);
  context.setDefaultTimeout(60_000);
  await emulateQuest3(context, { environment: syntheticFloor() });
  // records what the app asks the (emulated) runtime for, after IWER replaced navigator.xr
  await context.addInitScript(() => {
    const xr = navigator.xr!;
    const request = xr.requestSession.bind(xr);
    window.__sessionInits = [];
    xr.requestSession = (mode: XRSessionMode, init?: XRSessionInit) => {
      const root = (init as { domOverlay?: { root?: Element } } | undefined)?.domOverlay?.root;
      window.__sessionInits!.push({
        mode,
        optionalFeatures: [...(init?.optionalFeatures ?? [])].map(String),
        overlayRoot: root ? root.className : null,
      });
      return request(mode, init);
    };
  });
  return context.newPage();
}

/** What the desktop context's room store shows of the headset's avatar (Alice's other session). */
const seenFromDesktop = (page: Page, sessionId: string) =>
  page.evaluate((id) => {
    const avatar = window.__chenu!.room.getState().avatars.find((x) => x.id === id);
    return avatar ? { mode: avatar.mode, handTracking: avatar.handTracking } : null;
  }, sessionId);

describe('XR parity end to end (Chromium + IWER Quest 3, real stack)', () => {
  it('shows the headset’s mode and hand tracking on its avatar to a desktop participant', async () => {
    a = await headset();
    await openRoom(a);
    const desktopContext = await newContext({ viewport: { width: 960, height: 600 } });
    desktopContext.setDefaultTimeout(60_000);
    b = await desktopContext.newPage();
    await openRoom(b);
    // the desktop's first-visit hint card would hide the headset's avatar in the pictures
    await b.getByRole('button', { name: 'Got it' }).click();
    const headsetId = await a.evaluate(() => window.__chenu!.feed.selfId);
    await b.waitForFunction(
      (id) => window.__chenu!.room.getState().avatars.some((x) => x.id === id),
      headsetId,
    );
    expect(await seenFromDesktop(b, headsetId)).toEqual({ mode: 'desktop', handTracking: false });
    // the desktop participant stands facing the headset's avatar, so its tag is in the picture
    await a.evaluate(() => Object.assign(window.__chenu!.locomotion.position, { x: 0, z: 1 }));
    await b.evaluate(() => {
      Object.assign(window.__chenu!.locomotion.position, { x: 0, z: 3.2 });
      window.__chenu!.locomotion.yaw = 0;
    });

    await a.getByRole('button', { name: 'Enter VR' }).click();
    await a.waitForFunction(() => window.iwerDevice.activeSession !== undefined, null, { timeout: 20_000 });
    await b.waitForFunction(
      (id) => window.__chenu!.room.getState().avatars.find((x) => x.id === id)?.mode === 'vr',
      headsetId,
    );
    expect(await seenFromDesktop(b, headsetId)).toEqual({ mode: 'vr', handTracking: false });
    await frames(b, 3);
    await b.screenshot({ path: await screenshotPath('xr-parity-desktop-sees-vr') });

    // hands instead of controllers: the room learns it, the desktop sees "VR · hands"
    await a.evaluate(() => (window.iwerDevice.primaryInputMode = 'hand'));
    await b.waitForFunction(
      (id) => window.__chenu!.room.getState().avatars.find((x) => x.id === id)?.handTracking === true,
      headsetId,
    );
    expect(await seenFromDesktop(b, headsetId)).toEqual({ mode: 'vr', handTracking: true });
    await frames(b, 3);
    await b.screenshot({ path: await screenshotPath('xr-parity-desktop-sees-vr-hands') });

    // leaving VR with tracked hands: the room hears desktop, no hands (IWER switching back to
    // controllers inside one session lists each controller twice in @react-three/xr: not done here)
    await a.evaluate(() => window.iwerDevice.activeSession!.end());
    await a.getByRole('button', { name: 'Enter AR' }).waitFor();
    await b.waitForFunction((id) => {
      const avatar = window.__chenu!.room.getState().avatars.find((x) => x.id === id);
      return avatar?.mode === 'desktop' && !avatar.handTracking;
    }, headsetId);
    await a.evaluate(() => (window.iwerDevice.primaryInputMode = 'controller'));

    // AR: the session asks for a DOM overlay rooted at the app's overlay (what a tap does, anchors, exit)
    await a.getByRole('button', { name: 'Enter AR' }).click();
    await a.waitForFunction(() => window.__chenuXR?.store.getState().mode === 'immersive-ar');
    await b.waitForFunction(
      (id) => window.__chenu!.room.getState().avatars.find((x) => x.id === id)?.mode === 'ar',
      headsetId,
    );
    const inits = await a.evaluate(() => window.__sessionInits!);
    expect(inits.map((i) => i.mode)).toEqual(['immersive-vr', 'immersive-ar']);
    const arInit = inits[1]!;
    expect(arInit.optionalFeatures).toContain('dom-overlay');
    expect(arInit.overlayRoot).toBe('ar-overlay');
    const overlay = a.locator('.ar-overlay');
    await overlay.getByRole('region', { name: 'Augmented reality' }).waitFor({ state: 'attached' });
    expect(await overlay.getByRole('button', { name: 'Leave AR' }).count()).toBe(1);
    await frames(a, 3);
    await a.screenshot({ path: await screenshotPath('xr-parity-ar-overlay') });
    await b.screenshot({ path: await screenshotPath('xr-parity-desktop-sees-ar') });
    // the overlay's own way out ends the session (the emulated headset composites no DOM overlay, so
    // the button is pressed as a handheld's tap would)
    await overlay.getByRole('button', { name: 'Leave AR' }).evaluate((button: HTMLElement) => button.click());
    await a.waitForFunction(() => window.iwerDevice.activeSession === undefined);
    await b.waitForFunction(
      (id) => window.__chenu!.room.getState().avatars.find((x) => x.id === id)?.mode === 'desktop',
      headsetId,
    );
  }, 180_000);
});
