/**
 * The notification delivery queue's worker. `POST /notifications` only enqueues (`notification_deliveries`
 * rows, `pending`, due now) one delivery per enabled channel: webhook, email, push. This worker,
 * started by `npm start` beside the ledger sweeper, claims due rows, sends each by its channel —
 * a signed webhook and a Web Push message through the outbound policy, an email through the SMTP
 * mailer (server/mail) — and records the outcome on the row, which the
 * owner reads through `GET /notifications/{id}/deliveries` (status, attempts, next_attempt_at,
 * last_error). A failed attempt is retried after `backoffMs · 2^(attempts-1)` (capped at an hour)
 * until `maxAttempts`, then the row is `failed`.
 *
 * Claiming is one statement (`for update skip locked`) that counts the attempt and pushes
 * next_attempt_at a lease ahead, so several workers never send one row twice at once, no transaction
 * stays open during a request, and a row whose worker died is retried when its lease ends.
 */
import type { Sql } from 'postgres';
import * as r from '../../shared/api/resources.ts';
import type { OutboundFetch } from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import type { Mailer } from '../mail/mailer.ts';
import { OutboundError } from '../../supabase/functions/_shared/outbound/outboundErrors.ts';
import { PushSubscriptionSchema, sendPush } from './pushRequest.ts';
import type { VapidKeys } from './vapidKeys.ts';
import { sendWebhook } from './webhookRequest.ts';

export interface DeliveryWorkerTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface DeliveryWorkerOptions {
  /** A pool connecting as the owner or service role (system work, across identities). */
  sql: Sql;
  outbound: OutboundFetch;
  /** Sends email channels' deliveries; without it they fail (`no mail server is configured`). */
  mailer?: Mailer;
  /** Signs push channels' deliveries; without it they fail (`push is not configured`). */
  vapid?: VapidKeys;
  maxAttempts: number;
  /** First retry delay; doubles each attempt. */
  backoffMs: number;
  /** Time between polls of the queue. */
  intervalMs: number;
  /** How long a claimed row is left to its worker before another may take it. */
  leaseMs?: number;
  /** Rows claimed per poll. */
  batch?: number;
  timers?: DeliveryWorkerTimers;
  /** Called after every poll that sent something. */
  onRun?: (result: DeliveryRun) => void;
  onError?: (error: unknown) => void;
}

export interface DeliveryRun {
  delivered: number;
  retrying: number;
  failed: number;
}

export interface DeliveryWorker {
  /** Sends what is due now (or joins the poll in flight). */
  runOnce(): Promise<DeliveryRun>;
  /** Stops polling and waits for the poll in flight. Idempotent. */
  dispose(): Promise<void>;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;

interface Claimed {
  id: string;
  attempts: number;
  channel: string;
  enabled: boolean;
  url: string | null;
  secret: string | null;
  config: Record<string, unknown>;
  notification: Record<string, unknown>;
}

export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { sql, outbound, maxAttempts, backoffMs } = options;
  const timers = options.timers ?? globalThis;
  const leaseMs = options.leaseMs ?? 60_000;
  const batch = options.batch ?? 10;
  let inFlight: Promise<DeliveryRun> | null = null;
  let disposed = false;

  const claim = () => sql<Claimed[]>`
    with due as (
      select d.id from public.notification_deliveries d
      where d.status = 'pending' and d.next_attempt_at <= now()
      order by d.next_attempt_at
      limit ${batch}
      for update skip locked
    ), claimed as (
      update public.notification_deliveries d
      set attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
      from due where d.id = due.id
      returning d.id, d.attempts, d.channel_id, d.notification_id
    )
    select c.id, c.attempts, ch.channel, ch.enabled, ch.config ->> 'url' as url, ch.secret, ch.config,
           to_jsonb(n) as notification
    from claimed c
    join public.notification_channels ch on ch.id = c.channel_id
    join public.notifications n on n.id = c.notification_id`;

  const settle = async (row: Claimed, delivered: boolean, error: string | null, final = false) => {
    const retry = !delivered && !final && row.attempts < maxAttempts && error !== CHANNEL_OFF;
    const delayMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (row.attempts - 1));
    await sql`
      update public.notification_deliveries set
        status = ${delivered ? 'delivered' : retry ? 'pending' : 'failed'},
        delivered_at = ${delivered ? sql`now()` : null},
        last_error = ${error},
        next_attempt_at = ${retry ? sql`now() + make_interval(secs => ${delayMs / 1000})` : null}
      where id = ${row.id}`;
    return delivered ? 'delivered' : retry ? 'retrying' : 'failed';
  };

  const deliver = async (row: Claimed) => {
    if (!row.enabled) return settle(row, false, CHANNEL_OFF);
    const notification = r.Notification.parse(row.notification);
    switch (row.channel) {
      case 'webhook': {
        if (!row.url || !row.secret) return settle(row, false, CHANNEL_OFF);
        const outcome = await sendWebhook(
          outbound,
          { url: row.url, secret: row.secret, deliveryId: row.id, attempt: row.attempts },
          { id: row.id, type: notification.kind, notification },
        );
        return settle(row, outcome.delivered, outcome.error);
      }
      case 'email': {
        const to = typeof row.config.address === 'string' ? row.config.address : null;
        if (!options.mailer) return settle(row, false, 'no mail server is configured', true);
        if (!to) return settle(row, false, CHANNEL_OFF);
        try {
          await options.mailer.send({
            to,
            subject: notification.title,
            text: notification.body || notification.title,
          });
          return settle(row, true, null);
        } catch (error) {
          if (error instanceof OutboundError) return settle(row, false, error.message);
          throw error;
        }
      }
      case 'push': {
        if (!options.vapid) return settle(row, false, 'push is not configured', true);
        const subscription = PushSubscriptionSchema.safeParse(row.config.subscription);
        if (!subscription.success) return settle(row, false, CHANNEL_OFF);
        const outcome = await sendPush(outbound, options.vapid, subscription.data, {
          id: notification.id,
          kind: notification.kind,
          title: notification.title,
          body: notification.body,
          data: notification.data,
        });
        return settle(row, outcome.delivered, outcome.error, outcome.final);
      }
      default:
        // SMS channels are refused at creation while no SMS provider exists
        return settle(row, false, 'no SMS provider is configured', true);
    }
  };

  const run = async (): Promise<DeliveryRun> => {
    const rows = await claim();
    const result: DeliveryRun = { delivered: 0, retrying: 0, failed: 0 };
    for (const outcome of await Promise.all(rows.map(deliver))) result[outcome]++;
    if (rows.length > 0) options.onRun?.(result);
    return result;
  };
  const runOnce = (): Promise<DeliveryRun> => {
    inFlight ??= run().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  const tick = () => {
    if (disposed || inFlight) return;
    runOnce().catch((error: unknown) => options.onError?.(error));
  };
  const handle = timers.setInterval(tick, options.intervalMs);
  return {
    runOnce,
    async dispose() {
      if (disposed) return;
      disposed = true;
      timers.clearInterval(handle);
      await inFlight?.catch(() => undefined);
    },
  };
}

/** last_error of a delivery whose channel was disabled, deleted or changed kind since it was queued. */
const CHANNEL_OFF = 'the channel is disabled';
