/**
 * The product as a new person meets it, end to end in Chromium against this file's own stack (gateway,
 * Deno functions, Colyseus, a seeded database): sign up → onboarding (a sphere, a starter dataspace)
 * → a thread → a post, in French; deep links (a thread, a meeting, a share link, the bureau) opened
 * through sign-in and kept across a reload, back and forward; the meeting panel fully usable at
 * 1280×720 and 1920×1080; the locale switch; the hint card; a request the encoder cannot read,
 * refused with phrasings and for free. axe-core checks every screen (0 serious or critical), and the
 * harness fails a test on any console error or warning. Screenshots: test-results/e2e/product-*.png.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useClientStack } from './clientStack.ts';
import { axeViolations, screenshotPath, useXRBrowser } from './harness.ts';

/** Alice's seeded dataspace "Rénovation cuisine" and its thread "Choix des armoires" (supabase/seed.sql). */
const KITCHEN = 'a1000000-0000-4000-8000-000300000001';
const CABINETS = 'a1000000-0000-4000-8000-000400000001';

const stack = useClientStack('e2e_product', { realtime: true });
const { client, newContext } = useXRBrowser(stack);

/** Checks the screen with axe-core and saves a screenshot named `product-<name>`. */
async function look(page: Page, name: string): Promise<void> {
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
  await page.screenshot({ path: await screenshotPath(`product-${name}`) });
}

/**
 * What a reload may print that the page cannot prevent: a room join the server refuses while the
 * previous page's room is still closing (Colyseus closes it with 4002 before the join completes; the
 * client retries the presence join). Reported to the realtime work; allowed only in tests that reload.
 */
const RELOAD_RACE = [/Room connection was closed unexpectedly \(4002\)/];

async function open(
  locale: 'fr-CA' | 'en-CA',
  viewport = { width: 1280, height: 720 },
  allow: readonly RegExp[] = [],
): Promise<Page> {
  const context = await newContext({ viewport, locale }, allow);
  // software WebGL on a 2-core machine: joins and first frames can take longer than Playwright's 30 s
  context.setDefaultTimeout(60_000);
  return context.newPage();
}

const inRoom = (page: Page) =>
  page.waitForFunction(() => window.__chenu?.feed.status.getState().status === 'connected');

async function signInAsAlice(page: Page, labels: { email: string; password: string; submit: string }) {
  await page.getByLabel(labels.email).fill('alice@chenu.local');
  await page.getByLabel(labels.password).fill('chenu-demo-password');
  await page.getByRole('button', { name: labels.submit, exact: true }).click();
}
const EN = { email: 'Email', password: 'Password', submit: 'Sign in' };

describe('the product end to end (Chromium, real stack)', () => {
  it('signs up in French, lands onboarded in a starter dataspace, starts a thread and posts', async () => {
    const page = await open('fr-CA');
    await page.goto(client().url);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    await look(page, 'fr-sign-in');
    await page.getByRole('link', { name: 'Créer un compte' }).click();
    await page.getByRole('heading', { name: 'Créer un compte' }).waitFor();
    await page.getByLabel('Votre nom').fill('Camille');
    await page.getByLabel('Courriel').fill(`camille-${process.pid}@chenu.local`);
    await page.getByLabel('Mot de passe').fill('correct-horse-battery');
    await look(page, 'fr-sign-up');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();

    await page.getByRole('heading', { name: 'Bienvenue, Camille' }).waitFor();
    // sign-up onboarded the account on the server (issue 14): a sphere, a starter dataspace and the
    // free plan's tokens; the screen resumes at its last step
    await page.getByRole('heading', { name: 'Tout est prêt' }).waitFor();
    await page.getByText('Étape 3 sur 3').waitFor();
    await expect(page.getByTestId('onboarding-balance').textContent()).resolves.toMatch(/jetons?/);
    await look(page, 'fr-onboarding-done');
    await page.getByRole('button', { name: 'Entrer dans « Mon premier espace »' }).click();

    // a new room: the hint card and the empty thread tab offer the next step
    await inRoom(page);
    await page.getByRole('heading', { name: 'Se déplacer dans la salle' }).waitFor();
    await page.getByText('Aucun fil dans cet espace').waitFor();
    await look(page, 'fr-room-first-visit');
    await page.getByRole('button', { name: 'Compris' }).click();
    await page.getByRole('button', { name: 'Nouveau fil' }).first().click();
    await page.getByRole('dialog').getByLabel('Titre du fil').fill('Choix de la céramique');
    await look(page, 'fr-new-thread');
    await page.getByRole('dialog').getByRole('button', { name: 'Créer' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    // the address follows the open thread
    await page.waitForURL(/\/d\/[0-9a-f-]{36}\/t\/[0-9a-f-]{36}$/);
    await page.getByLabel('Message').fill('Grès cérame 60×60, gris pâle.');
    await page.getByRole('button', { name: 'Publier' }).click();
    await page.getByRole('list', { name: 'Messages' }).getByText('Grès cérame 60×60, gris pâle.').waitFor();
    await look(page, 'fr-room-posted');

    // the new sphere and dataspace are on the home screen
    await page.getByRole('link', { name: 'Retour aux espaces de données' }).click();
    await page.getByRole('link', { name: 'Mon premier espace' }).waitFor();
    await look(page, 'fr-home');
  }, 240_000);

  it('opens deep links after sign-in, keeps the session on reload, and follows back and forward', async () => {
    const page = await open('en-CA', undefined, RELOAD_RACE);
    // a thread link, signed out: the sign-in form at that address, then the room with that thread
    await page.goto(`${client().url}d/${KITCHEN}/t/${CABINETS}`);
    await page.getByText('Sign in to open this link').waitFor();
    await look(page, 'en-deep-link-sign-in');
    await signInAsAlice(page, EN);
    await inRoom(page);
    await page.getByText('Je penche pour des armoires en merisier').waitFor();
    expect(page.url()).toContain(`/d/${KITCHEN}/t/${CABINETS}`);
    await page.getByRole('button', { name: 'Got it' }).click();
    await look(page, 'en-room-thread');

    // a second thread: the address moves, and back / forward move between the two
    await page.getByRole('button', { name: 'New thread' }).first().click();
    await page.getByRole('dialog').getByLabel('Thread title').fill('Countertop');
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    await page.waitForURL((u) => u.pathname.startsWith(`/d/${KITCHEN}/t/`) && !u.pathname.endsWith(CABINETS));
    const second = new URL(page.url()).pathname;
    await page.goBack();
    await page.waitForURL((u) => u.pathname.endsWith(CABINETS));
    await page.getByText('Je penche pour des armoires en merisier').waitFor();
    await page.goForward();
    await page.waitForURL((u) => u.pathname === second);
    await page.getByText('No message yet: write the first one.').waitFor();

    // reload: supabase-js restores the session, the same room and thread open again, no sign-in
    await page.reload();
    await inRoom(page);
    expect(new URL(page.url()).pathname).toBe(second);
    await expect(page.getByLabel('Email').count()).resolves.toBe(0);
    await page.getByText('No message yet: write the first one.').waitFor();

    // the bureau and a share link
    await page.goto(`${client().url}bureau`);
    await page.getByRole('heading', { name: 'Bureau', level: 1 }).waitFor();
    await page.locator('li[data-section="threads"] li[data-item]').first().waitFor();
    await look(page, 'en-bureau');
    // a share link: the identity that joins is chosen before anything is redeemed
    await page.goto(`${client().url}join/abc123`);
    await page.getByRole('heading', { name: 'Join through a link' }).waitFor();
    await page.getByRole('radiogroup', { name: 'Join as' }).waitFor();
    await look(page, 'en-join');
    // an unknown address
    await page.goto(`${client().url}nowhere`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await look(page, 'en-not-found');
  }, 240_000);

  for (const viewport of [
    { width: 1280, height: 720 },
    { width: 1920, height: 1080 },
  ]) {
    it(`schedules, joins and runs a meeting with every control reachable at ${viewport.width}×${viewport.height}`, async () => {
      const page = await open('en-CA', viewport);
      await page.goto(`${client().url}d/${KITCHEN}`);
      await signInAsAlice(page, EN);
      await inRoom(page);
      const hint = page.getByRole('button', { name: 'Got it' });
      if (await hint.isVisible()) await hint.click();
      await page.getByRole('tab', { name: 'Meetings' }).click();
      await page.getByRole('button', { name: 'Schedule a meeting' }).first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Title').fill(`Site visit ${viewport.width}`);
      await dialog.getByLabel('Item 1', { exact: true }).fill('Walk through');
      await dialog.getByRole('button', { name: 'Add an item' }).click();
      await dialog.getByLabel('Item 2', { exact: true }).fill('Next steps');
      await look(page, `en-meeting-schedule-${viewport.width}`);
      await dialog.getByRole('button', { name: 'Schedule a meeting' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: `Join Site visit ${viewport.width}` }).click();
      await page.getByRole('region', { name: `Meeting in progress: Site visit ${viewport.width}` }).waitFor();

      await page.getByRole('button', { name: 'Raise hand' }).click();
      await page.getByRole('list', { name: 'Speaker queue' }).getByText('Alice').waitFor();
      await page.getByRole('button', { name: 'Next speaker' }).click();
      await page.getByTestId('speaker').getByText('Alice has the floor').waitFor();
      await page.getByRole('button', { name: 'Start 5 min' }).click();
      await page.getByRole('button', { name: 'Go to Next steps' }).click();
      await page.getByLabel('Note', { exact: true }).fill('Order the tiles this week');
      // the last control of the panel: reachable by scrolling the dock, inside the window
      const addNote = page.getByRole('button', { name: 'Add note' });
      await addNote.scrollIntoViewIfNeeded();
      const box = (await addNote.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      await addNote.click();
      await page.getByRole('list', { name: 'Shared notes' }).getByText('Order the tiles this week').waitFor();
      await page.getByRole('button', { name: 'Make a task of “Order the tiles this week”' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Create the task' }).click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await page.getByRole('list', { name: 'Shared notes' }).getByText('task', { exact: true }).waitFor();
      await look(page, `en-meeting-live-${viewport.width}`);
    }, 240_000);
  }

  it('switches between French and English everywhere, numbers and dates included', async () => {
    const page = await open('en-CA', undefined, RELOAD_RACE);
    await page.goto(`${client().url}d/${KITCHEN}/t/${CABINETS}`);
    await signInAsAlice(page, EN);
    await inRoom(page);
    const hint = page.getByRole('button', { name: 'Got it' });
    if (await hint.isVisible()) await hint.click();
    const balance = page.getByTestId('token-balance');
    const value = Number(await balance.getAttribute('data-value'));
    expect(await balance.textContent()).toBe(new Intl.NumberFormat('en-CA').format(value));
    await page.getByRole('radio', { name: 'Français (French)' }).click();
    await page.getByRole('button', { name: 'Publier' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('fr');
    expect(await balance.textContent()).toBe(new Intl.NumberFormat('fr-CA').format(value));
    await look(page, 'fr-room-switched');
    // the dark theme: the same tokens' other scheme, for the DOM and the 3D panels (axe checks contrast)
    await page.getByRole('radio', { name: 'Thème sombre' }).click();
    await expect(page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
    await look(page, 'fr-room-dark');
    await page.getByRole('radio', { name: 'Thème du système' }).click();
    // the choice is kept across a reload
    await page.reload();
    await inRoom(page);
    await page.getByRole('button', { name: 'Publier' }).waitFor();
    await page.getByRole('radio', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Post' }).waitFor();
  }, 240_000);

  it('refuses a request the encoder cannot read with phrasings to try, and charges nothing', async () => {
    const page = await open('en-CA');
    await page.goto(`${client().url}d/${KITCHEN}/t/${CABINETS}`);
    await signInAsAlice(page, EN);
    await inRoom(page);
    const hint = page.getByRole('button', { name: 'Got it' });
    if (await hint.isVisible()) await hint.click();
    const before = Number(await page.getByTestId('token-balance').getAttribute('data-value'));
    await page.getByRole('button', { name: /Choose an agent/ }).click();
    await page.getByRole('option', { name: /Résumeur/ }).click();
    await page.getByLabel('Your request').fill('Hello there, nice weather today');
    await page.getByRole('button', { name: 'Review' }).click();
    const help = page.getByTestId('phrasing-help');
    await help.waitFor();
    await expect(page.getByTestId('estimate-verdict').getAttribute('data-accepted')).resolves.toBe('false');
    await help.getByText('Nothing was charged.').waitFor();
    await help.scrollIntoViewIfNeeded();
    await look(page, 'en-refusal-phrasings');
    expect(Number(await page.getByTestId('token-balance').getAttribute('data-value'))).toBe(before);
    // a suggested phrasing is read, estimated and accepted
    await help.getByRole('button').first().click();
    await page.getByTestId('estimate-verdict').getByText('Within your balance and budgets').waitFor();
    await page.getByTestId('estimate-verdict').scrollIntoViewIfNeeded();
    await look(page, 'en-estimate-accepted');
  }, 240_000);
});
