/**
 * A new person, end to end through supabase-js and the local mail catcher `npm start` runs: signs
 * up, cannot sign in until the address is confirmed, confirms by the mailed link (once), signs in,
 * subscribes to a plan whose tokens arrive through the ledger, and then gets a notification by email
 * through the retrying delivery queue — every mail read from MailDev's own inbox API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from '../../server/mail/mailCatcher.ts';
import { createMailer, type Mailer } from '../../server/mail/mailer.ts';
import { startDeliveryWorker } from '../../server/notifications/deliveryWorker.ts';
import { parseAllowList } from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import { createOutboundFetch } from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import { invoke, useApi } from './apiHarness.ts';

const SITE = 'http://127.0.0.1:5173/';
let catcher: MailCatcher;
let mailer: Mailer;

beforeAll(async () => {
  catcher = await startMailCatcher({ smtpPort: 0, webPort: 0 });
  mailer = createMailer({
    url: catcher.smtpUrl,
    from: 'CHE·NU <no-reply@chenu.local>',
    allow: parseAllowList(`127.0.0.1:${catcher.smtpPort}`),
  });
});
afterAll(() => catcher?.stop());

const { client, sql } = useApi({}, { mail: () => ({ mailer, siteUrl: SITE, confirmSignUp: true }) });

interface CaughtMail {
  id: string;
  subject: string;
  text: string;
  to: { address: string }[];
}

/** The catcher's mails to `address`, newest last (MailDev's REST API). */
async function inbox(address: string): Promise<CaughtMail[]> {
  const all = (await (await fetch(`${catcher.webUrl}/api/email`)).json()) as CaughtMail[];
  return all.filter((m) => m.to.some((t) => t.address === address));
}

function linkIn(mail: CaughtMail): string {
  const link = /https?:\/\/\S+\/auth\/v1\/verify\?\S+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no link in: ${mail.text}`);
  return link;
}

describe('a new person, by mail', () => {
  const email = `newcomer-${Date.now()}@test.chenu.local`;
  const password = 'correct-horse-battery';

  it('signs up, confirms by mail, subscribes to a plan and gets a notification by email', async () => {
    const sb = client();
    const signUp = await sb.auth.signUp({ email, password });
    expect(signUp.error).toBeNull();
    expect(signUp.data.session).toBeNull();
    const before = await sb.auth.signInWithPassword({ email, password });
    expect(before.error?.code).toBe('email_not_confirmed');

    const [confirmation] = await inbox(email);
    expect(confirmation!.subject).toMatch(/Confirm/);
    const link = linkIn(confirmation!);
    const landed = await fetch(link, { redirect: 'manual' });
    expect(landed.status).toBe(303);
    const target = new URL(landed.headers.get('location')!);
    expect(target.origin + target.pathname).toBe(SITE);
    const fragment = new URLSearchParams(target.hash.slice(1));
    expect(fragment.get('type')).toBe('signup');
    expect(fragment.get('access_token')).toMatch(/^ey/);
    // the link works once
    const again = new URL((await fetch(link, { redirect: 'manual' })).headers.get('location')!);
    expect(new URLSearchParams(again.hash.slice(1)).get('error_code')).toBe('otp_expired');

    const signIn = await sb.auth.signInWithPassword({ email, password });
    expect(signIn.error).toBeNull();
    const plans = await invoke(sb, 'GET', '/subscriptions/plans');
    const starter = plans.body.data.find((p: { slug: string }) => p.slug === 'starter');
    const sub = await invoke(sb, 'POST', '/subscriptions', { body: { plan_id: starter.id } });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    // sign-up's free plan granted its 10 000 and gave way to the starter plan, granted at once
    const balance = await invoke(sb, 'GET', '/tokens/balance');
    expect(balance.body).toMatchObject({ balance: 10_000 + 100_000, reserved: 0 });

    const channel = await invoke(sb, 'POST', '/notifications/channels', {
      body: { channel: 'email', name: 'moi' },
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    expect(channel.body.channel.config).toEqual({ address: email });
    const n = await invoke(sb, 'POST', '/notifications', {
      body: {
        kind: 'plan.started',
        title: 'Bienvenue au forfait Démarrage',
        body: '100 000 jetons ce mois-ci.',
      },
    });
    expect(n.body.deliveries).toHaveLength(1);
    const worker = startDeliveryWorker({
      sql: sql,
      outbound: createOutboundFetch({ allow: [], timeoutMs: 5000, maxResponseBytes: 64 * 1024 }),
      mailer,
      maxAttempts: 3,
      backoffMs: 0,
      intervalMs: 60_000,
    });
    try {
      await worker.runOnce();
    } finally {
      await worker.dispose();
    }
    const deliveries = await invoke(sb, 'GET', '/notifications/{id}/deliveries', {
      params: { id: n.body.notification.id },
    });
    expect(deliveries.body.data[0]).toMatchObject({ status: 'delivered', attempts: 1, last_error: null });
    const notice = (await inbox(email)).find((m) => m.subject === 'Bienvenue au forfait Démarrage');
    expect(notice?.text.trim()).toBe('100 000 jetons ce mois-ci.');
  });

  it('signs in by magic link and resets a password under the password policy', async () => {
    const sb = client();
    expect((await sb.auth.signInWithOtp({ email, options: { shouldCreateUser: false } })).error).toBeNull();
    const magic = (await inbox(email)).find((m) => /sign-in link/.test(m.subject))!;
    const landed = new URL((await fetch(linkIn(magic), { redirect: 'manual' })).headers.get('location')!);
    expect(new URLSearchParams(landed.hash.slice(1)).get('type')).toBe('magiclink');

    expect((await sb.auth.resetPasswordForEmail(email)).error).toBeNull();
    const reset = (await inbox(email)).find((m) => /Reset/.test(m.subject))!;
    const back = new URLSearchParams(
      new URL((await fetch(linkIn(reset), { redirect: 'manual' })).headers.get('location')!).hash.slice(1),
    );
    expect(back.get('type')).toBe('recovery');
    const { error } = await sb.auth.setSession({
      access_token: back.get('access_token')!,
      refresh_token: back.get('refresh_token')!,
    });
    expect(error).toBeNull();
    const weak = await sb.auth.updateUser({ password: 'password' });
    expect(weak.error?.code).toBe('weak_password');
    expect((await sb.auth.updateUser({ password: 'another-horse-battery' })).error).toBeNull();
    await sb.auth.signOut();
    expect((await sb.auth.signInWithPassword({ email, password })).error?.code).toBe('invalid_credentials');
    expect((await sb.auth.signInWithPassword({ email, password: 'another-horse-battery' })).error).toBeNull();
  });
});
