/**
 * Door: the system resolver behind every outbound request (webhooks, push, the AI provider). Names
 * that no public DNS answers — `.example`, `.invalid`, `.test`, `.local`, `.onion`, `.alt`,
 * `.home.arpa`, `localhost` — are refused before any query, so a made-up address (the seed's
 * webhook and push endpoint, an attacker's probe of the LAN through mDNS) never makes the machine
 * ask the network. `node:dns/promises` is replaced by a recorder here: the test asserts which names
 * reach it, and a public-looking name does reach it (so the recorder is the real path).
 */
import type * as Dns from 'node:dns/promises';
import { describe, expect, it, vi } from 'vitest';

const asked = vi.hoisted(() => [] as string[]);
vi.mock('node:dns/promises', async (importOriginal) => ({
  ...(await importOriginal<typeof Dns>()),
  // a documentation address (RFC 5737): the address policy refuses it, so nothing is ever dialled
  lookup: async (hostname: string) => {
    asked.push(hostname);
    return [{ address: '192.0.2.10', family: 4 }];
  },
}));

const { startDeliveryWorker } = await import('../../server/notifications/deliveryWorker.ts');
const { isReservedName } = await import('../../supabase/functions/_shared/outbound/addressPolicy.ts');
const { createOutboundFetch, OUTBOUND_ERRORS, OutboundError } =
  await import('../../supabase/functions/_shared/outbound/outboundFetch.ts');
const { useIsolatedDatabase } = await import('../helpers/isolatedDatabase.ts');

const outbound = () => createOutboundFetch({ allow: [], timeoutMs: 2000, maxResponseBytes: 64 * 1024 });

const SEEDED_WEBHOOK_DELIVERY = 'a2000000-0000-4000-8000-01c300000003';
const db = useIsolatedDatabase('reserved_names', 3);

describe('reserved names never reach the resolver', () => {
  it('knows the special-use names, whatever their case or trailing dot', () => {
    for (const name of [
      'hooks.tremblay-immobilier.example',
      'EXAMPLE',
      'a.invalid',
      'api.test',
      'printer.local.',
      'x.onion',
      'y.alt',
      'router.home.arpa',
      'localhost',
      'db.localhost',
    ])
      expect(isReservedName(name), name).toBe(true);
    for (const name of ['example.com', 'hooks.chenu.ca', 'testing.io', 'local.ca', 'arpa', 'alternative.net'])
      expect(isReservedName(name), name).toBe(false);
  });

  it('refuses a reserved name with the fixed message and asks no resolver; a public name is asked', async () => {
    asked.length = 0;
    for (const url of [
      'https://hooks.tremblay-immobilier.example/chenu',
      'http://nas.local/',
      'https://x.test/',
    ]) {
      const error = await outbound()(url, { method: 'POST' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OutboundError);
      expect((error as Error).message).toBe(OUTBOUND_ERRORS.blocked);
    }
    expect(asked).toEqual([]);
    // the recorder is the path a real name takes (refused afterwards: a documentation address)
    await expect(outbound()('https://hooks.chenu-demo.ca/x', { method: 'POST' })).rejects.toThrow(
      OUTBOUND_ERRORS.blocked,
    );
    expect(asked).toEqual(['hooks.chenu-demo.ca']);
  });

  it("the seed's pending webhook delivery fails on this machine without a DNS query", async () => {
    asked.length = 0;
    const sql = db.sql();
    const [before] = await sql<{ attempts: number; status: string }[]>`
      select attempts, status from public.notification_deliveries where id = ${SEEDED_WEBHOOK_DELIVERY}`;
    expect(before).toEqual({ attempts: 2, status: 'pending' });
    const worker = startDeliveryWorker({
      sql,
      outbound: outbound(),
      maxAttempts: 3,
      backoffMs: 0,
      intervalMs: 60_000,
    });
    try {
      await worker.runOnce();
    } finally {
      await worker.dispose();
    }
    const [after] = await sql<{ attempts: number; status: string; last_error: string }[]>`
      select attempts, status, last_error from public.notification_deliveries where id = ${SEEDED_WEBHOOK_DELIVERY}`;
    expect(after).toEqual({ attempts: 3, status: 'failed', last_error: OUTBOUND_ERRORS.blocked });
    expect(asked).toEqual([]);
  });
});
