/**
 * Web Push deliveries against a local push endpoint (a loopback HTTP server standing in for a push
 * service): the worker signs with the server's VAPID key (generated once, kept in the data dir),
 * encrypts the notification for the subscription's keys (RFC 8291, checked by decrypting it with
 * the subscriber's private key), sends it through the outbound policy, and fails a subscription
 * the push service says is gone without retrying it.
 */
import { createECDH, randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error http_ece ships no types; the test uses decrypt only
import ece from 'http_ece';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryWorker } from '../../server/notifications/deliveryWorker.ts';
import { loadOrCreateVapidKeys, type VapidKeys } from '../../server/notifications/vapidKeys.ts';
import { parseAllowList } from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import { createOutboundFetch } from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { SEED } from '../helpers/personas.ts';

const db = useIsolatedDatabase('push');
const received: { headers: http.IncomingHttpHeaders; body: Buffer }[] = [];
let answer = 201;
let endpoint: string;
let dir: string;
let vapid: VapidKeys;
const subscriber = createECDH('prime256v1');
subscriber.generateKeys();
const authSecret = randomBytes(16);

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks) });
    res.writeHead(answer).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}/push/device-1`;
  dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-vapid-'));
  vapid = await loadOrCreateVapidKeys(dir, 'mailto:ops@chenu.local');
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

async function queue(title: string): Promise<string> {
  const sql = db.sql();
  const [ch] = await sql`
    insert into public.notification_channels (identity_id, channel, name, config)
    values (${SEED.a1}, 'push', ${`device-${title}`}, ${sql.json({
      subscription: {
        endpoint,
        keys: {
          p256dh: subscriber.getPublicKey().toString('base64url'),
          auth: authSecret.toString('base64url'),
        },
      },
    } as never)}) returning id`;
  const [n] = await sql`insert into public.notifications (identity_id, user_id, kind, title, body)
                        values (${SEED.a1}, ${SEED.alice}, 'meeting.starting', ${title}, 'Dans 5 minutes') returning id`;
  const [d] = await sql`insert into public.notification_deliveries (identity_id, notification_id, channel_id)
                        values (${SEED.a1}, ${n!.id}, ${ch!.id}) returning id`;
  return d!.id as string;
}

async function deliverAll(): Promise<void> {
  const worker = startDeliveryWorker({
    sql: db.sql(),
    outbound: createOutboundFetch({
      allow: parseAllowList(new URL(endpoint).host),
      timeoutMs: 5000,
      maxResponseBytes: 1 << 16,
    }),
    vapid,
    maxAttempts: 3,
    backoffMs: 0,
    intervalMs: 60_000,
  });
  try {
    await worker.runOnce();
  } finally {
    await worker.dispose();
  }
}

describe('web push deliveries', () => {
  it('keeps one VAPID key pair, generated once', async () => {
    expect(await loadOrCreateVapidKeys(dir, 'mailto:ops@chenu.local')).toEqual(vapid);
    expect((await stat(path.join(dir, 'vapid.json'))).mode & 0o777).toBe(0o600);
  });

  it('sends the notification encrypted for the subscription, signed with the VAPID key', async () => {
    const delivery = await queue('Réunion');
    await deliverAll();
    const [row] =
      await db.sql()`select status, attempts, last_error from public.notification_deliveries where id = ${delivery}`;
    expect(row).toEqual({ status: 'delivered', attempts: 1, last_error: null });
    const push = received.at(-1)!;
    expect(push.headers['content-encoding']).toBe('aes128gcm');
    const auth = /^vapid t=([^,]+), k=(.+)$/.exec(push.headers.authorization ?? '')!;
    expect(auth[2]).toBe(vapid.publicKey);
    const key = Buffer.from(vapid.publicKey, 'base64url');
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: key.subarray(1, 33).toString('base64url'),
      y: key.subarray(33).toString('base64url'),
    };
    expect(decodeProtectedHeader(auth[1]!).alg).toBe('ES256');
    await jwtVerify(auth[1]!, await importJWK(jwk, 'ES256'));
    expect(decodeJwt(auth[1]!)).toMatchObject({
      aud: new URL(endpoint).origin,
      sub: 'mailto:ops@chenu.local',
    });
    const clear = ece.decrypt(push.body, {
      version: 'aes128gcm',
      privateKey: subscriber,
      authSecret,
    }) as Buffer;
    expect(JSON.parse(clear.toString('utf8'))).toMatchObject({
      kind: 'meeting.starting',
      title: 'Réunion',
      body: 'Dans 5 minutes',
    });
  });

  it('fails a subscription the push service says is gone, without retrying', async () => {
    answer = 410;
    const delivery = await queue('Expirée');
    await deliverAll();
    const [row] =
      await db.sql()`select status, attempts, last_error, next_attempt_at from public.notification_deliveries where id = ${delivery}`;
    expect(row).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null });
    expect(row!.last_error).toMatch(/HTTP 410/);
  });
});
