/**
 * Door: local auth's mailed links (GET|POST /auth/v1/verify, POST /otp, /recover, /resend). Tried
 * with an expired link, a used one, one of another kind, a made-up token, a `redirect_to` to another
 * site, a burst of reset mails, and a password sign-in before confirming: links work once, in time,
 * for their own kind, land only on the site, and the mail limit reads the same for unknown addresses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from '../../server/mail/mailCatcher.ts';
import { createMailer, type Mailer } from '../../server/mail/mailer.ts';
import { parseAllowList } from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import { useApi } from '../api/apiHarness.ts';

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
const { api, client, sql } = useApi({}, { mail: () => ({ mailer, siteUrl: SITE, confirmSignUp: true }) });

async function lastLink(address: string, subject: RegExp): Promise<string> {
  const all = (await (await fetch(`${catcher.webUrl}/api/email`)).json()) as {
    subject: string;
    text: string;
    to: { address: string }[];
  }[];
  const mail = all.filter((m) => m.to.some((t) => t.address === address) && subject.test(m.subject)).at(-1);
  return /https?:\/\/\S+\/auth\/v1\/verify\?\S+/.exec(mail!.text)![0];
}

/** Where a link lands: the redirect target and its fragment. */
async function land(link: string) {
  const res = await fetch(link, { redirect: 'manual' });
  expect(res.status).toBe(303);
  const target = new URL(res.headers.get('location')!);
  return { origin: target.origin, fragment: new URLSearchParams(target.hash.slice(1)) };
}

const auth = (path: string, body: unknown) =>
  fetch(`${api().url}/auth/v1${path}`, {
    method: 'POST',
    headers: { apikey: api().anonKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('mailed auth links', () => {
  const email = `links-${Date.now()}@test.chenu.local`;
  const password = 'correct-horse-battery';

  it('refuses a password sign-in before the address is confirmed', async () => {
    await client().auth.signUp({ email, password });
    const r = await client().auth.signInWithPassword({ email, password });
    expect(r.error?.code).toBe('email_not_confirmed');
    expect(r.data.session).toBeNull();
  });

  it('lands only on the site, whatever redirect_to names', async () => {
    const link = new URL(await lastLink(email, /Confirm/));
    link.searchParams.set('redirect_to', 'https://evil.example/steal');
    const { origin, fragment } = await land(link.href);
    expect(origin).toBe(new URL(SITE).origin);
    expect(fragment.get('access_token')).toMatch(/^ey/);
  });

  it('refuses a used link, a made-up token and a token of another kind', async () => {
    const used = await land(await lastLink(email, /Confirm/));
    expect(used.fragment.get('error_code')).toBe('otp_expired');
    expect(used.fragment.get('access_token')).toBeNull();
    const madeUp = new URL(await lastLink(email, /Confirm/));
    madeUp.searchParams.set('token', 'A'.repeat(43));
    expect((await land(madeUp.href)).fragment.get('error_code')).toBe('otp_expired');
    expect((await auth('/recover', { email })).status).toBe(200);
    const reset = new URL(await lastLink(email, /Reset/));
    reset.searchParams.set('type', 'magiclink');
    expect((await land(reset.href)).fragment.get('error_code')).toBe('otp_expired');
    // the refused try did not use it up: once as what it is (POST /verify, supabase-js verifyOtp), then never
    const tokenHash = new URL(reset).searchParams.get('token');
    expect((await auth('/verify', { type: 'recovery', token_hash: tokenHash })).status).toBe(200);
    const again = await auth('/verify', { type: 'recovery', token_hash: tokenHash });
    expect(again.status).toBe(403);
    expect((await again.json()).error_code).toBe('otp_expired');
  });

  it('refuses an expired link', async () => {
    const [user] = await sql`select id from auth.users where email = ${email}`;
    await sql`delete from private.auth_mail_tokens where user_id = ${user!.id}`;
    // a magic link, then the clock of the token moved past its end
    expect((await auth('/otp', { email })).status).toBe(200);
    await sql`update private.auth_mail_tokens set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
              where user_id = ${user!.id} and kind = 'magiclink'`;
    const { fragment } = await land(await lastLink(email, /sign-in link/));
    expect(fragment.get('error_code')).toBe('otp_expired');
  });

  it('limits reset mails per address, and answers an unknown address the same way', async () => {
    const unknown = `nobody-${Date.now()}@test.chenu.local`;
    const [first, second] = [
      await auth('/recover', { email: unknown }),
      await auth('/recover', { email: unknown }),
    ];
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect((await second.json()).error_code).toBe('over_email_send_rate_limit');
    // the known address was sent a reset a moment ago: refused alike
    const known = await auth('/recover', { email });
    expect(known.status).toBe(429);
  });
});
