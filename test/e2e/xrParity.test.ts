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
import { pressNamed, typeOnKeyboard } from './xrPress.ts';

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

/** Alice's API session (the gateway and its functions, as the client calls them). */
async function aliceApi() {
  const sb = stack.supabase();
  const { error } = await sb.auth.signInWithPassword({
    email: 'alice@chenu.local',
    password: 'chenu-demo-password',
  });
  if (error) throw error;
  return sb;
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

    // AR: the session asks for a DOM overlay rooted at the app's overlay (what a tap does, the way out)
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

  it('posts in the thread through the virtual keyboard in VR; the API reads the message back', async () => {
    if (!a) {
      a = await headset();
      await openRoom(a);
    }
    await a.getByRole('button', { name: 'Enter VR' }).click();
    await a.waitForFunction(() => window.iwerDevice.activeSession !== undefined, null, { timeout: 20_000 });
    await a.waitForFunction(() => window.__chenuXR?.camera != null);
    await frames(a, 10);
    const threadId = await a.evaluate(() => window.__chenu!.dataspace.getState().openThreadId);
    expect(threadId).toBeTruthy();
    await pressNamed(a, 'xr-write');
    await a.waitForFunction(() => {
      let root = window.__chenu!.spatial.root!;
      while (root.parent) root = root.parent;
      return root.getObjectByName('xr-key-a') !== undefined;
    });
    await a.screenshot({ path: await screenshotPath('xr-parity-keyboard-open') });
    const words = 'Vu en VR';
    await typeOnKeyboard(a, words);
    await a.screenshot({ path: await screenshotPath('xr-parity-keyboard-typed') });
    await pressNamed(a, 'xr-post');
    // read back through the API, as another client would
    const sb = await aliceApi();
    await expect
      .poll(
        async () => {
          const { data, error } = await sb.functions.invoke(`threads/${threadId}/messages?limit=30`, {
            method: 'GET',
          });
          if (error) throw error;
          return (data as { data: { body: string }[] }).data.map((m) => m.body);
        },
        { timeout: 15_000 },
      )
      .toContain(words);
    await frames(a, 3);
    await a.screenshot({ path: await screenshotPath('xr-parity-posted') });
    // ~10 presses of 3D keys on software WebGL, with the headset's other panels (people, share, token
    // HUD) in the scene: 249 s were measured at a load average of 19 on this shared 2-core machine
  }, 420_000);

  it('runs a governed action in VR: the estimate shows intent, EQS and cost, confirming debits the balance', async () => {
    const threadId = (await a.evaluate(() => window.__chenu!.dataspace.getState().openThreadId))!;
    const balance = () => a.evaluate(() => window.__chenu!.dataspace.getState().balance);
    const before = (await balance())!;
    expect(before).toBeGreaterThan(0);
    const agentMessages = async () =>
      (
        await stack.sql()<{ n: number }[]>`
        select count(*)::int as n from public.messages where thread_id = ${threadId}::uuid and author_kind = 'agent'`
      )[0]!.n;
    const agentsBefore = await agentMessages();
    await pressNamed(a, 'xr-act');
    // the summarizer: cycle the agents until it is chosen
    const agents = await a.evaluate(() => window.__chenu!.dataspace.getState().agents.map((x) => x.name));
    const summarizer = agents.findIndex((n) => /Résumeur/.test(n));
    expect(summarizer).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < summarizer; i += 1) await pressNamed(a, 'xr-next-agent');
    await typeOnKeyboard(a, 'Résume ce fil en liste à puces');
    await pressNamed(a, 'xr-review');
    await a.waitForFunction(() => window.__chenu!.dataspace.getState().draft?.estimate != null);
    const estimate = await a.evaluate(() => {
      const d = window.__chenu!.dataspace.getState().draft!;
      return { agentName: d.agent.name, intent: d.intentText, ...d.estimate! };
    });
    expect(estimate.agentName).toMatch(/Résumeur/);
    expect(estimate.intent).toBe('Résume ce fil en liste à puces');
    expect(estimate.taskType).toBe('summarize_thread');
    expect(estimate.encoded.eqs).toBeGreaterThanOrEqual(estimate.encoded.minEqs);
    expect(estimate.estimate!.tokens).toBeGreaterThan(0);
    expect(estimate.accepted).toBe(true);
    // the panel shows them (uikit: the estimate's lines are on the 3D panel, its Confirm is offered)
    await a.waitForFunction(() => {
      let root = window.__chenu!.spatial.root!;
      while (root.parent) root = root.parent;
      return !!root.getObjectByName('xr-estimate') && !!root.getObjectByName('xr-confirm');
    });
    await frames(a, 3);
    await a.screenshot({ path: await screenshotPath('xr-parity-estimate') });
    await pressNamed(a, 'xr-confirm');
    await a.waitForFunction(() => window.__chenu!.dataspace.getState().lastRun !== null, null, {
      timeout: 30_000,
    });
    const used = await a.evaluate(() => window.__chenu!.dataspace.getState().lastRun!.run.tokens.used);
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThanOrEqual(estimate.estimate!.tokens);
    await a.waitForFunction(
      (settled) => window.__chenu!.dataspace.getState().balance === settled,
      before - used,
      {
        timeout: 15_000,
      },
    );
    // the thread changed too: the agent's answer is in it
    await expect.poll(agentMessages, { timeout: 15_000 }).toBeGreaterThan(agentsBefore);
    await frames(a, 3);
    await a.screenshot({ path: await screenshotPath('xr-parity-after-governed-run') });
    // ~35 presses of 3D keys on software WebGL: each is a few frames of a shared 2-core machine
  }, 600_000);

  it('raises a hand in VR; a second person on a desktop sees it in the meeting’s queue', async () => {
    // Bob (another user) is a participant of Alice's dataspace, where a meeting is about to start
    const [ds] = await stack.sql()<{ id: string; identity_id: string; user_id: string }[]>`
      select id, identity_id, user_id from public.dataspaces where name = 'Rénovation cuisine'`;
    const [bobIdentity] = await stack.sql()<{ id: string }[]>`
      select i.id from public.identities i join auth.users u on u.id = i.user_id
       where u.email = 'bob@chenu.local' and i.is_default`;
    await stack.sql()`
      insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role)
      values (${ds!.identity_id}, ${ds!.id}, ${bobIdentity!.id}, 'participant')`;
    const [meeting] = await stack.sql()<{ id: string }[]>`
      insert into public.meetings (identity_id, user_id, dataspace_id, title, scheduled_at, duration, status)
      values (${ds!.identity_id}, ${ds!.user_id}, ${ds!.id}, 'Point en réalité virtuelle', now(), '30 minutes',
              'scheduled')
      returning id`;
    const joined = (page: Page) =>
      page.waitForFunction((id) => window.__chenu?.meetings.getState().live?.meetingId === id, meeting!.id);

    // Alice, headset on, opens the meeting's address (leaving VR first: a page load ends the session)
    if (!a) a = await headset();
    else if (await a.evaluate(() => window.iwerDevice.activeSession !== undefined))
      await a.evaluate(() => window.iwerDevice.activeSession!.end());
    await a.goto(new URL(`m/${meeting!.id}`, client().url).href);
    if (await a.getByLabel('Email').isVisible()) {
      await a.getByLabel('Email').fill('alice@chenu.local');
      await a.getByLabel('Password').fill('chenu-demo-password');
      await a.getByRole('button', { name: 'Sign in', exact: true }).click();
    }
    await a.waitForFunction(() => window.__chenu?.feed.status.getState().status === 'connected');
    await joined(a);
    // Bob on a desktop, in the same meeting
    // a member has no Nova context in someone else's dataspace: the API answers 404 (issue 14's rule)
    const bobContext = await newContext({ viewport: { width: 1280, height: 800 } }, [
      /HTTP 404 POST .*\/functions\/v1\/nova\/context/,
    ]);
    bobContext.setDefaultTimeout(60_000);
    const bob = await bobContext.newPage();
    await bob.goto(new URL(`m/${meeting!.id}`, client().url).href);
    await bob.getByLabel('Email').fill('bob@chenu.local');
    await bob.getByLabel('Password').fill('chenu-demo-password');
    await bob.getByRole('button', { name: 'Sign in', exact: true }).click();
    await joined(bob);
    await bob.waitForFunction(() => {
      const names = window.__chenu!.meetings.getState().live!.participants.map((p) => p.displayName);
      return names.includes('Alice') && names.includes('Bob');
    });
    await bob.getByText('No raised hand.').waitFor();

    await a.getByRole('button', { name: 'Enter VR' }).click();
    await a.waitForFunction(() => window.iwerDevice.activeSession !== undefined, null, { timeout: 20_000 });
    await a.waitForFunction(() => window.__chenuXR?.camera != null);
    await frames(a, 10);
    await pressNamed(a, 'xr-raise-hand');
    // Bob's queue (the dock's list) names Alice; her panel now offers to lower the hand
    const queue = bob.getByRole('list', { name: 'Speaker queue' });
    await queue.getByText('Alice').waitFor();
    expect(await queue.locator('li').allTextContents()).toEqual(['Alice']);
    await a.waitForFunction(() => {
      let root = window.__chenu!.spatial.root!;
      while (root.parent) root = root.parent;
      return !!root.getObjectByName('xr-lower-hand');
    });
    await frames(a, 3);
    await a.screenshot({ path: await screenshotPath('xr-parity-hand-raised-vr') });
    await bob.screenshot({ path: await screenshotPath('xr-parity-queue-desktop') });
    // and lowered from the headset, the queue empties for Bob
    await pressNamed(a, 'xr-lower-hand');
    await bob.getByText('No raised hand.').waitFor();
  }, 300_000);
});
