/**
 * Door: notification channels of kinds email, push and SMS (API `/notifications/channels`). Tried
 * with an email channel to someone else's address (create and update), a push subscription whose
 * endpoint is loopback or private, and an SMS channel while no SMS provider exists: each is refused
 * with a clear error, and nothing is stored.
 */
import webPush from 'web-push';
import { describe, expect, it } from 'vitest';
import { useApi, type User } from '../api/apiHarness.ts';

const VAPID = webPush.generateVAPIDKeys();
const { newUser } = useApi({}, { functionsEnv: { CHENU_VAPID_PUBLIC_KEY: VAPID.publicKey } });
const KEYS = { p256dh: 'B'.repeat(87), auth: 'A'.repeat(22) };

describe('notification channels', () => {
  let u: User;
  const create = (body: unknown) => u.call('POST', '/notifications/channels', { body });

  it('mails only the account’s own address', async () => {
    u = await newUser('channels');
    const other = await create({
      channel: 'email',
      name: 'other',
      config: { address: 'victim@example.com' },
    });
    expect(other.status).toBe(400);
    expect(other.body.error.details[0].path).toBe('body.config.address');
    const own = await create({ channel: 'email', name: 'own', config: { address: u.email.toUpperCase() } });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.channel.config.address).toBe(u.email);
    const moved = await u.call('PATCH', '/notifications/channels/{id}', {
      params: { id: own.body.channel.id },
      body: { config: { address: 'victim@example.com' } },
    });
    expect(moved.status).toBe(400);
    const list = await u.call('GET', '/notifications/channels');
    expect(list.body.data.map((c: { config: { address?: string } }) => c.config.address)).toEqual([u.email]);
  });

  it('refuses push endpoints the outbound policy refuses, and malformed subscriptions', async () => {
    for (const endpoint of [
      'http://127.0.0.1:9/push',
      'https://10.0.0.1/push',
      'http://169.254.169.254/latest',
    ]) {
      const r = await create({
        channel: 'push',
        name: endpoint,
        config: { subscription: { endpoint, keys: KEYS } },
      });
      expect(r.status, endpoint).toBe(400);
      expect(r.body.error.details[0].path).toBe('body.config.subscription');
    }
    const bare = await create({
      channel: 'push',
      name: 'bare',
      config: { subscription: { endpoint: 'https://push.example.com/x' } },
    });
    expect(bare.status).toBe(400);
    const good = await create({
      channel: 'push',
      name: 'browser',
      config: { subscription: { endpoint: 'https://push.example.com/send/abc', keys: KEYS } },
    });
    expect(good.status, JSON.stringify(good.body)).toBe(201);
  });

  it('refuses SMS channels while no SMS provider is configured', async () => {
    const sms = await create({ channel: 'sms', name: 'phone', config: { phone: '+15145550123' } });
    expect(sms.status).toBe(400);
    expect(sms.body.error.message).toMatch(/SMS provider/);
    const list = await u.call('GET', '/notifications/channels');
    expect(list.body.data.some((c: { channel: string }) => c.channel === 'sms')).toBe(false);
  });
});
