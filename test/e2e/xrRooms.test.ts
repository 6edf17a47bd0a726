/**
 * Threads and workspaces as rooms, and co-editing (issue 16), end to end in Chromium with TWO
 * DIFFERENT USERS on the seed's shared dataspace (Alice's Triplex Rosemont, where Bob's business
 * identity is an editor member): Alice on a desktop, Bob in IWER's emulated Quest 3. Both enter the
 * thread's room (Alice through the thread panel, Bob through the 3D door on the thread's board) and
 * see each other there; Alice runs an agent there, and both see the run, completed, on the room's
 * runs panel (Alice also in the thread panel's list). Bob walks through the 3D door to the
 * workspace's room, Alice follows from the Work tab; Alice types in the panel's shared text (2D
 * editor), Bob types on the virtual keyboard in VR; each sees both edits, the caret of the other;
 * both come back to the dataspace's room. Then the realtime server restarts and both edits are still
 * there. Screenshots in test-results/e2e/xr-rooms-*.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useClientStack } from './clientStack.ts';
import { emulateQuest3, frames, screenshotPath, useXRBrowser } from './harness.ts';
import { namedPlaced, pressNamed, typeOnKeyboard } from './xrPress.ts';

const stack = useClientStack('e2e_xr_rooms', { realtime: true });
const { client, newContext } = useXRBrowser(stack);

const THREAD = 'a2000000-0000-4000-8000-000400000001';
const WORKSPACE = 'a2000000-0000-4000-8000-000700000001';
/** The workspace's "Tâches" panel: the one both edit. */
const PANEL = 'a2000000-0000-4000-8000-000800000002';

const shot = async (page: Page, name: string) =>
  page.screenshot({ path: await screenshotPath(`xr-rooms-${name}`) });

/** Signs in, switches to `identity` and opens the shared dataspace's room. */
async function openShared(page: Page, email: string, identity: RegExp): Promise<void> {
  await page.goto(client().url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('chenu-demo-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: /Active identity/ }).click();
  await page.getByRole('option', { name: identity }).click();
  await page.getByRole('link', { name: 'Triplex Rosemont' }).click();
  await page.locator('.room-canvas canvas').waitFor();
  await page.waitForFunction(() => window.__chenu?.feed.status.getState().status === 'connected');
  const hint = page.getByRole('button', { name: 'Got it' });
  if (await hint.isVisible()) await hint.click();
}

/** The place of the room the page stands in ('' = the dataspace's room), once connected. */
const placeOf = (page: Page) =>
  page.evaluate(() => {
    const feed = window.__chenu!.feed;
    return feed.status.getState().status === 'connected'
      ? (feed.room.state as { place: string }).place
      : null;
  });
const untilPlace = (page: Page, place: string) =>
  page.waitForFunction(
    (p) =>
      window.__chenu?.feed.status.getState().status === 'connected' &&
      (window.__chenu.feed.room.state as { place?: string }).place === p,
    place,
  );
/** Names of the people the page sees in its room. */
const peopleSeen = (page: Page) =>
  page.evaluate(() => window.__chenu!.room.getState().avatars.map((a) => a.displayName));
const panelText = (page: Page) =>
  page.evaluate((id) => window.__chenu!.workspace?.store.getState().texts[id] ?? null, PANEL);

let alice: Page;
let bob: Page;

describe('threads and workspaces as rooms, co-editing (two users, one in VR)', () => {
  it('enters the thread and workspace rooms together, co-edits a panel, and comes back', async () => {
    const aliceContext = await newContext({ viewport: { width: 1280, height: 720 }, locale: 'en-CA' });
    aliceContext.setDefaultTimeout(60_000);
    alice = await aliceContext.newPage();
    await openShared(alice, 'alice@chenu.local', /Tremblay Immobilier/);
    const bobContext = await newContext({ viewport: { width: 960, height: 600 }, locale: 'en-CA' }, [
      /Multiple instances of Three\.js being imported/,
    ]);
    bobContext.setDefaultTimeout(60_000);
    await emulateQuest3(bobContext);
    bob = await bobContext.newPage();
    await openShared(bob, 'bob@chenu.local', /Gagnon Construction/);
    await shot(alice, '01-alice-dataspace');

    // Alice: the thread panel's door into the thread's room
    await alice.getByRole('tab', { name: 'Thread' }).click();
    await alice.getByRole('button', { name: /Enter the room of Renouvellement des baux/ }).click();
    await untilPlace(alice, `thread:${THREAD}`);
    await namedPlaced(alice, 'thread-wall');
    expect(await placeOf(alice)).toBe(`thread:${THREAD}`);
    await frames(alice, 3);
    await shot(alice, '02-alice-thread-room');

    // Bob in VR: the 3D door on the thread's board
    await bob.getByRole('button', { name: 'Enter VR' }).click();
    await bob.waitForFunction(() => window.iwerDevice.activeSession !== undefined, null, { timeout: 20_000 });
    await bob.waitForFunction(() => window.__chenuXR?.camera != null);
    await frames(bob, 10);
    await shot(bob, '03-bob-vr-dataspace');
    await pressNamed(bob, `enter-thread-${THREAD}`);
    await untilPlace(bob, `thread:${THREAD}`);
    await alice.waitForFunction(() =>
      window.__chenu!.room.getState().avatars.some((a) => a.displayName.startsWith('Bob')),
    );
    // Bob's page builds its people from the room's patches: wait for Alice there too, then read it
    await bob.waitForFunction(() =>
      window.__chenu!.room.getState().avatars.some((a) => a.displayName.startsWith('Alice')),
    );
    expect((await peopleSeen(bob)).some((n) => n.startsWith('Alice'))).toBe(true);
    await namedPlaced(bob, 'thread-wall');
    await frames(bob, 5);
    await shot(bob, '04-bob-vr-thread-room');
    await shot(alice, '05-alice-sees-bob-in-thread-room');

    // a governed run in the thread's room: Alice asks from the thread panel; the runs panel of the
    // room (3D) and the thread panel's list (2D) show it from the API, newest first, completed, for
    // her and for Bob in VR (his list is read again on the room's event of the settled run)
    await alice.getByRole('button', { name: /Choose an agent/ }).click();
    await alice.getByRole('option', { name: /Résumeur/ }).click();
    await alice
      .getByLabel('Your request')
      .fill("Peux-tu résumer ce fil de discussion, en liste à puces s'il te plaît ?");
    await alice.getByRole('button', { name: 'Review' }).click();
    await alice.getByTestId('estimate-verdict').getByText('Within your balance and budgets').waitFor();
    await alice.getByRole('button', { name: 'Confirm', exact: true }).click();
    await alice.getByTestId('run-tokens').waitFor();
    const runsList = alice.getByRole('list', { name: 'Agent runs' });
    const newest = runsList.locator('li').first();
    await newest.and(alice.locator('li[data-status=completed]')).waitFor();
    const executionId = (await newest.getAttribute('data-execution'))!;
    expect(await newest.textContent()).toMatch(/Résumeur · completed · [\d,]+ tokens? used · asked by you/);
    const ranInSql = await stack.sql()<{ status: string; thread_id: string }[]>`
      select status, thread_id from public.agent_executions where id = ${executionId}::uuid`;
    expect(ranInSql).toEqual([{ status: 'succeeded', thread_id: THREAD }]);
    const runLine3D = (page: Page) =>
      page.waitForFunction((name) => {
        let root = window.__chenu!.spatial.root!;
        while (root.parent) root = root.parent;
        return root.getObjectByName(name)?.userData.phase === 'completed';
      }, `thread-run-${executionId}`);
    await runLine3D(alice);
    await runLine3D(bob);
    await frames(alice, 3);
    await frames(bob, 5);
    await shot(alice, '05b-alice-run-listed');
    await shot(bob, '05c-bob-vr-run-listed');

    // Bob: the door between rooms, to the workspace; Alice: back to the hall, then the Work tab
    await pressNamed(bob, `door-workspace-${WORKSPACE}`);
    await untilPlace(bob, `workspace:${WORKSPACE}`);
    await alice.getByRole('button', { name: 'Back to Triplex Rosemont' }).click();
    await untilPlace(alice, '');
    await alice.getByRole('tab', { name: 'Work' }).click();
    await alice.getByRole('button', { name: 'Enter the room of Espace de travail' }).click();
    await untilPlace(alice, `workspace:${WORKSPACE}`);
    await alice.waitForFunction(() => window.__chenu!.workspace != null);
    await bob.waitForFunction(() => window.__chenu!.workspace != null);

    // co-editing: Alice in the 2D editor, Bob on the virtual keyboard
    const area = alice.getByLabel('Text of Tâches');
    await area.click();
    await area.press('End');
    await area.pressSequentially(' Alice: peinture.');
    await pressNamed(bob, `ws-edit-${PANEL}`);
    await namedPlaced(bob, 'xr-key-a');
    await typeOnKeyboard(bob, ' bob ok');
    // Bob's caret: three characters back with the ‹ key, and he types there, not at the end
    for (let i = 0; i < 3; i++) await pressNamed(bob, 'xr-key-left');
    await typeOnKeyboard(bob, ' vu');
    await alice.waitForFunction(
      (id) => window.__chenu!.workspace!.store.getState().texts[id]?.includes('bob vu ok'),
      PANEL,
    );
    await bob.waitForFunction(
      (id) => window.__chenu!.workspace!.store.getState().texts[id]?.includes('Alice: peinture.'),
      PANEL,
    );
    expect(await panelText(alice)).toBe(await panelText(bob));
    // each sees where the other's caret is
    await alice.locator('.ws-caret').first().waitFor();
    await frames(bob, 5);
    await shot(alice, '06-alice-coediting');
    await shot(bob, '07-bob-vr-coediting');
    // durable before anyone leaves: the room acknowledged the newest revision
    for (const page of [alice, bob]) {
      await page.waitForFunction(() => {
        const s = window.__chenu!.workspace!.store.getState();
        return s.savedRevision >= s.revision && s.revision > 0;
      });
    }
    const merged = await panelText(alice);

    // the history: Alice changes the layout, Bob's room follows; she restores the version before it
    // from the list of versions the API keeps, and both rooms are back on the grid, one version on
    const layoutOf = (page: Page) =>
      page.evaluate(() => {
        const s = window.__chenu!.workspace!.store.getState();
        return { layout: s.layout, version: s.version };
      });
    const before = await layoutOf(alice);
    expect(before.layout).toBe('grid');
    await alice.getByLabel('Layout').selectOption('stack');
    for (const page of [alice, bob]) {
      await page.waitForFunction(
        (v) => window.__chenu!.workspace!.store.getState().version === v + 1,
        before.version,
      );
    }
    expect((await layoutOf(bob)).layout).toBe('stack');
    const history = alice.getByRole('region', { name: 'History' });
    await history.getByText(`Version ${before.version + 1} · Stack`).waitFor();
    await history
      .getByRole('button', { name: new RegExp(`^Restore: Version ${before.version} · Grid · `) })
      .click();
    for (const page of [alice, bob]) {
      await page.waitForFunction((v) => {
        const s = window.__chenu!.workspace!.store.getState();
        return s.version === v + 2 && s.layout === 'grid';
      }, before.version);
    }
    await history.getByText(`Version ${before.version + 2} · Grid`).waitFor();
    await shot(alice, '06b-alice-restored-from-history');
    expect(await panelText(bob)).toBe(merged);

    // back to the dataspace's room: Bob through the 3D door, Alice through the bar
    await pressNamed(bob, 'ws-edit-done');
    await pressNamed(bob, 'door-hall');
    await untilPlace(bob, '');
    await alice.getByRole('button', { name: 'Back to Triplex Rosemont' }).click();
    await untilPlace(alice, '');
    await frames(bob, 5);
    await shot(bob, '08-bob-vr-back-in-dataspace');
    await shot(alice, '09-alice-back-in-dataspace');
    await bob.evaluate(() => window.iwerDevice.activeSession?.end());

    // the realtime server restarts: the workspace's text, both edits in it, is still there
    await stack.restartRealtime();
    for (const page of [alice, bob]) {
      await page.reload();
      await page.waitForFunction(() => window.__chenu?.feed.status.getState().status === 'connected');
      const hint = page.getByRole('button', { name: 'Got it' });
      if (await hint.isVisible()) await hint.click();
      await page.getByRole('tab', { name: 'Work' }).click();
      await page.getByRole('button', { name: 'Enter the room of Espace de travail' }).click();
      await untilPlace(page, `workspace:${WORKSPACE}`);
      await page.waitForFunction(() => window.__chenu!.workspace != null);
      expect(await panelText(page)).toBe(merged);
    }
    expect(merged).toContain('Alice: peinture.');
    expect(merged).toContain('bob vu ok');
    await shot(alice, '10-alice-after-restart');
    await shot(bob, '11-bob-after-restart');
  }, 600_000);
});
