/**
 * Door: webhook channels and their deliveries, tried as an SSRF attacker with an account would,
 * with the outbound allow-list unset: saving a webhook URL that targets loopback, private,
 * link-local/metadata, IPv6 loopback or localhost (on create and on PATCH, which used to accept
 * anything); a name that resolves to loopback (accepted when saved, refused at delivery); a URL
 * written straight into the table, as PostgREST would let the owner on a hosted project (refused at
 * delivery). The notification POST only queues, and what the owner reads back (status, attempts,
 * next_attempt_at, last_error) is the same fixed message for a refused address and for a closed
 * port, so last_error is no port scanner. Deliveries are signed as Standard Webhooks specifies; a
 * signing secret written straight into the table (not the API's `whsec_` key) still signs
 * verifiably as raw text, and one that cannot be a key fails the delivery without sending it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/db/embeddedPostgres.ts';
import { startDeliveryWorker, type DeliveryWorker } from '../../server/notifications/deliveryWorker.ts';
import { parseAllowList } from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import {
  createOutboundFetch,
  OUTBOUND_ERRORS,
} from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import { useApi, type User } from '../api/apiHarness.ts';

const { newUser, sql } = useApi();

const receiver = {
  connections: 0,
  requests: 0,
  port: 0,
  last: undefined as { headers: Record<string, string>; body: string } | undefined,
};
const server = http.createServer((req, res) => {
  receiver.requests++;
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    receiver.last = { headers: req.headers as Record<string, string>, body };
    res.writeHead(204).end();
  });
});
server.on('connection', () => receiver.connections++);

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A worker whose resolver knows the test's names (no hosts file needed). */
function worker(allow: string, names: Record<string, string>): DeliveryWorker {
  return startDeliveryWorker({
    sql,
    outbound: createOutboundFetch({
      allow: parseAllowList(allow),
      timeoutMs: 2000,
      maxResponseBytes: 64 * 1024,
      resolve: async (host) => {
        const address = names[host];
        if (!address) throw new Error(`no such host ${host}`);
        return [address];
      },
    }),
    maxAttempts: 2,
    backoffMs: 0,
    intervalMs: 60_000,
  });
}

const createChannel = (u: User, url: string, name = `hook-${Math.random()}`) =>
  u.call('POST', '/notifications/channels', { body: { channel: 'webhook', name, config: { url } } });

const deliveriesOf = async (u: User, notificationId: string) =>
  (await u.call('GET', '/notifications/{id}/deliveries', { params: { id: notificationId } })).body.data;

describe('webhook channels and deliveries', () => {
  it('refuses webhook URLs aimed at the server’s own network, on create and on PATCH', async () => {
    const u = await newUser('ssrf');
    const hostile = [
      `http://127.0.0.1:${receiver.port}/`,
      'http://10.0.0.1/hook',
      'http://172.16.5.4/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://localhost:8080/',
      'http://api.localhost/',
      'ftp://example.com/',
      'http://user:pw@example.com/',
    ];
    for (const url of hostile) {
      const r = await createChannel(u, url);
      expect(r.status, url).toBe(400);
      expect(r.body.error, url).toMatchObject({
        code: 'validation_failed',
        details: [expect.objectContaining({ path: 'body.config.url' })],
      });
    }
    const ok = await createChannel(u, 'https://hooks.example.com/chenu', 'public');
    expect(ok.status).toBe(201);
    const id = ok.body.channel.id as string;
    for (const url of hostile) {
      const r = await u.call('PATCH', '/notifications/channels/{id}', {
        params: { id },
        body: { config: { url } },
      });
      expect(r.status, url).toBe(400);
    }
    const renamed = await u.call('PATCH', '/notifications/channels/{id}', {
      params: { id },
      body: { name: 'renamed' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'renamed',
      config: { url: 'https://hooks.example.com/chenu' },
    });
    const missing = await u.call('PATCH', '/notifications/channels/{id}', {
      params: { id: '00000000-0000-4000-8000-000000000000' },
      body: { config: { url: 'http://10.0.0.1/' } },
    });
    expect(missing.status).toBe(404);
  });

  it('queues on POST, and refuses at delivery a name that resolves to loopback or a URL written into the table', async () => {
    const u = await newUser('rebind');
    const byName = await createChannel(u, `http://loop.test:${receiver.port}/hook`, 'by-name');
    expect(byName.status).toBe(201);
    const forged = await createChannel(u, 'https://hooks.example.com/forged', 'forged');
    // what PostgREST would let the owner do on a hosted project: the table's own check allows it
    await sql`update public.notification_channels set config = ${sql.json({ url: `http://127.0.0.1:${receiver.port}/hook` })}
              where id = ${forged.body.channel.id as string}`;
    const n = await u.call('POST', '/notifications', { body: { kind: 'test.ssrf', title: 'probe' } });
    expect(n.status).toBe(201);
    expect(n.body.deliveries).toHaveLength(2);
    for (const d of n.body.deliveries) expect(d).toMatchObject({ status: 'pending', attempts: 0 });
    const w = worker('', { 'loop.test': '127.0.0.1' });
    try {
      await w.runOnce();
      const first = await deliveriesOf(u, n.body.notification.id);
      for (const d of first) {
        expect(d).toMatchObject({ status: 'pending', attempts: 1, last_error: OUTBOUND_ERRORS.blocked });
        expect(d.next_attempt_at).not.toBeNull();
      }
      await w.runOnce();
    } finally {
      await w.dispose();
    }
    const last = await deliveriesOf(u, n.body.notification.id);
    for (const d of last) {
      expect(d).toMatchObject({
        status: 'failed',
        attempts: 2,
        next_attempt_at: null,
        last_error: OUTBOUND_ERRORS.blocked,
      });
    }
    expect(receiver.connections).toBe(0);
  });

  it('records the same last_error for a refused address and a closed port', async () => {
    const u = await newUser('scan');
    const closed = await freePort();
    await createChannel(u, `http://closed.test:${closed}/hook`, 'closed-port');
    await createChannel(u, `http://meta.test/latest/meta-data/`, 'metadata');
    const n = await u.call('POST', '/notifications', { body: { kind: 'test.scan', title: 'probe' } });
    // loopback allow-listed for this worker, so the closed port is really tried; metadata is not
    const w = worker('127.0.0.1/32', { 'closed.test': '127.0.0.1', 'meta.test': '169.254.169.254' });
    try {
      await w.runOnce();
    } finally {
      await w.dispose();
    }
    const errors = (await deliveriesOf(u, n.body.notification.id)).map(
      (d: { last_error: string }) => d.last_error,
    );
    expect(errors).toEqual([OUTBOUND_ERRORS.blocked, OUTBOUND_ERRORS.blocked]);
    expect(errors.join(' ')).not.toMatch(/\d|ECONN|refused/i);
  });

  it('delivers to an allow-listed receiver', async () => {
    const u = await newUser('allowed');
    // saved by name (the functions run with the allow-list unset), delivered by a worker that allows loopback
    await createChannel(u, `http://receiver.test:${receiver.port}/hook`, 'receiver');
    const n = await u.call('POST', '/notifications', { body: { kind: 'test.ok', title: 'hello' } });
    const w = worker('127.0.0.1/32', { 'receiver.test': '127.0.0.1' });
    try {
      await w.runOnce();
    } finally {
      await w.dispose();
    }
    const [d] = await deliveriesOf(u, n.body.notification.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, last_error: null, next_attempt_at: null });
    expect(receiver.requests).toBe(1);
  });

  it('signs as Standard Webhooks; a secret written into the table signs as raw text, a broken key sends nothing', async () => {
    const u = await newUser('signed');
    const made = await createChannel(u, `http://receiver.test:${receiver.port}/hook`, 'signed');
    expect(made.body.secret).toMatch(/^whsec_/);
    const raw = 'an-owner-chosen-secret-of-at-least-32-characters';
    await sql`update public.notification_channels set secret = ${raw} where id = ${made.body.channel.id as string}`;
    const n = await u.call('POST', '/notifications', { body: { kind: 'test.signed', title: 'signé' } });
    const before = receiver.requests;
    const w = worker('127.0.0.1/32', { 'receiver.test': '127.0.0.1' });
    try {
      await w.runOnce();
    } finally {
      await w.dispose();
    }
    expect(receiver.requests).toBe(before + 1);
    expect((await deliveriesOf(u, n.body.notification.id))[0]).toMatchObject({ status: 'delivered' });
    const { headers, body } = receiver.last!;
    expect(new Webhook(raw, { format: 'raw' }).verify(body, headers)).toMatchObject({ type: 'test.signed' });
    // the API's key for the channel no longer matches, and a replay of another body does not verify
    expect(() => new Webhook(made.body.secret as string).verify(body, headers)).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(raw, { format: 'raw' }).verify(`${body} `, headers)).toThrow(
      WebhookVerificationError,
    );

    await sql`update public.notification_channels set secret = ${'whsec_' + '!'.repeat(40)} where id = ${made.body.channel.id as string}`;
    const broken = await u.call('POST', '/notifications', { body: { kind: 'test.broken', title: 'cassé' } });
    const w2 = worker('127.0.0.1/32', { 'receiver.test': '127.0.0.1' });
    try {
      await w2.runOnce();
    } finally {
      await w2.dispose();
    }
    const [d] = await deliveriesOf(u, broken.body.notification.id);
    expect(d).toMatchObject({
      attempts: 1,
      last_error: 'the channel’s signing secret is not a valid whsec_ key',
    });
    expect(receiver.requests).toBe(before + 1);
  });
});
