/**
 * Notifications of the active identity and their channels. Creating a notification queues one
 * delivery per enabled webhook channel and answers at once; the delivery worker of the server
 * (server/notifications/deliveryWorker.ts) sends them through the outbound policy, retrying with
 * backoff, and the owner follows each one under `/{id}/deliveries`. A webhook URL is checked when it
 * is saved (create and update): http(s), no credentials, no refused address literal or localhost
 * name; the names it resolves to are checked again at every delivery. An email channel mails the
 * account's own address only (no notification mail to a stranger's inbox); a push channel holds a
 * browser's PushSubscription for this server's VAPID key (`GET /notifications/push-key`), its
 * endpoint checked like a webhook URL. SMS channels are refused until an SMS provider is configured
 * (CHENU_SMS_PROVIDER): a channel is never accepted to be dropped.
 */
import { IdParam, PageQuery, pageOf } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { z } from 'zod';
import { checkUrl } from '../_shared/outbound/addressPolicy.ts';
import { PushSubscriptionSchema } from '../../../shared/api/pushSubscription.ts';
import type { Tx } from '../_shared/dataAccess.ts';
import { config } from '../_shared/config.ts';
import {
  assertVisible,
  crud,
  insertRow,
  listPage,
  mapped,
  transactionNow,
  updateRow,
} from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

/** Refuses a webhook channel config whose URL the outbound policy would never send to. */
function assertWebhookConfig(channelConfig: unknown): void {
  const url = (channelConfig as { url?: unknown } | undefined)?.url;
  const checked = typeof url === 'string' ? checkUrl(url, config().CHENU_OUTBOUND_ALLOW) : undefined;
  if (!checked || 'refused' in checked) {
    throw new ApiError('validation_failed', 'a webhook channel needs an allowed config.url', [
      {
        path: 'body.config.url',
        message:
          'expected a public http(s) URL without credentials (no loopback, private or link-local address)',
        code: 'invalid_format',
      },
    ]);
  }
}

/** Refuses a push channel whose subscription is malformed or whose endpoint the policy refuses. */
function assertPushConfig(channelConfig: unknown): void {
  if (!config().CHENU_VAPID_PUBLIC_KEY) {
    throw new ApiError('validation_failed', 'push is not configured on this deployment', [
      {
        path: 'body.channel',
        message: 'this deployment has no VAPID key for Web Push',
        code: 'invalid_value',
      },
    ]);
  }
  const parsed = PushSubscriptionSchema.safeParse(
    (channelConfig as { subscription?: unknown } | undefined)?.subscription,
  );
  const checked = parsed.success ? checkUrl(parsed.data.endpoint, config().CHENU_OUTBOUND_ALLOW) : undefined;
  if (!parsed.success || !checked || 'refused' in checked) {
    throw new ApiError(
      'validation_failed',
      'a push channel needs config.subscription from PushManager.subscribe()',
      [
        {
          path: 'body.config.subscription',
          message: 'expected {endpoint: a public http(s) URL, keys: {p256dh, auth}}',
          code: 'invalid_format',
        },
      ],
    );
  }
}

/**
 * The config an email channel may have: the signed-in user's own address (the default); another
 * address is refused, so notifications never mail a stranger.
 */
async function emailConfig(tx: Tx, channelConfig: unknown): Promise<Record<string, unknown>> {
  const [me] = await tx<{ email: string }[]>`select email from public.users where id = (select auth.uid())`;
  const asked = (channelConfig as { address?: unknown } | undefined)?.address;
  if (
    !me ||
    (asked !== undefined && (typeof asked !== 'string' || asked.toLowerCase() !== me.email.toLowerCase()))
  ) {
    throw new ApiError('validation_failed', "an email channel mails the account's own address only", [
      {
        path: 'body.config.address',
        message: "the signed-in user's email, or leave it out",
        code: 'invalid_value',
      },
    ]);
  }
  return { ...(channelConfig as Record<string, unknown> | undefined), address: me.email };
}

/** Refuses SMS while no SMS provider is configured: accepted-and-dropped is never an option. */
function assertSmsAvailable(): void {
  if (!config().CHENU_SMS_PROVIDER) {
    throw new ApiError(
      'validation_failed',
      'SMS notifications need an SMS provider, and none is configured',
      [
        {
          path: 'body.channel',
          message: 'use email, push or a webhook (an operator sets CHENU_SMS_PROVIDER once one is wired)',
          code: 'invalid_value',
        },
      ],
    );
  }
}

const fn = new EdgeFunction('notifications');

fn.route(
  {
    method: 'get',
    path: '/push-key',
    summary: "The server's VAPID public key, for PushManager.subscribe({ applicationServerKey })",
    tag: 'notifications',
    response: { status: 200, schema: z.object({ publicKey: z.string() }) },
  },
  async () => {
    const key = config().CHENU_VAPID_PUBLIC_KEY;
    if (!key) throw new ApiError('not_found', 'push is not configured on this deployment');
    return { publicKey: key };
  },
);

crud(fn, {
  path: '/channels',
  table: 'public.notification_channels',
  noun: 'notification channel',
  tag: 'notifications',
  row: r.NotificationChannel,
  verbs: ['list', 'get', 'delete'],
});

fn.route(
  {
    method: 'patch',
    path: '/channels/{id}',
    summary: 'Update a notification channel (a webhook URL is checked as on create)',
    tag: 'notifications',
    params: IdParam,
    body: r.NotificationChannelUpdate,
    response: { status: 200, schema: r.NotificationChannel },
  },
  async ({ params, body, caller, db }) => {
    // as crud's updates: a body with no known field is refused before anything is looked up
    if (Object.keys(body).length === 0) {
      throw new ApiError('validation_failed', 'send at least one field of the notification channel', [
        { path: 'body', message: 'no known field', code: 'too_small' },
      ]);
    }
    const row = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [current] = await tx<{ channel: string }[]>`
          select channel from public.notification_channels where id = ${params.id} for update`;
        if (!current) return undefined;
        let patch = body;
        if (body.config !== undefined) {
          if (current.channel === 'webhook') assertWebhookConfig(body.config);
          if (current.channel === 'push') assertPushConfig(body.config);
          if (current.channel === 'email') patch = { ...body, config: await emailConfig(tx, body.config) };
        }
        return updateRow(tx, 'public.notification_channels', patch, [tx`t.id = ${params.id}`]);
      }),
    );
    if (!row) throw new ApiError('not_found', 'notification channel not found');
    return row;
  },
);
crud(fn, {
  path: '',
  table: 'public.notifications',
  noun: 'notification',
  tag: 'notifications',
  row: r.Notification,
  verbs: ['list', 'get', 'delete'],
});

fn.route(
  {
    method: 'post',
    path: '/channels',
    summary: 'Create a notification channel (a webhook gets a signing secret, shown once)',
    tag: 'notifications',
    body: r.NotificationChannelCreate,
    response: { status: 201, schema: r.NotificationChannelCreated },
  },
  async ({ body, caller, db }) => {
    if (body.channel === 'webhook') assertWebhookConfig(body.config);
    if (body.channel === 'push') assertPushConfig(body.config);
    if (body.channel === 'sms') assertSmsAvailable();
    // a Standard Webhooks secret (`whsec_` + base64 of 32 random bytes): receivers verify deliveries
    // with any Standard Webhooks library (server/notifications/webhookRequest.ts signs them)
    const secret =
      body.channel === 'webhook'
        ? `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`
        : null;
    const channel = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const row = body.channel === 'email' ? { ...body, config: await emailConfig(tx, body.config) } : body;
        return insertRow(tx, 'public.notification_channels', { ...row, secret });
      }),
    );
    return { channel, secret };
  },
);

fn.route(
  {
    method: 'patch',
    path: '/{id}',
    summary: 'Mark a notification read or unread',
    tag: 'notifications',
    params: IdParam,
    body: r.NotificationUpdate,
    response: { status: 200, schema: r.Notification },
  },
  async ({ params, body, caller, db }) => {
    const row = await mapped('write', () =>
      db.withUser(caller.claims, (tx) =>
        transactionNow(tx).then((now) =>
          updateRow(tx, 'public.notifications', { read_at: body.read ? now : null }, [
            tx`t.id = ${params.id}`,
          ]),
        ),
      ),
    );
    if (!row) throw new ApiError('not_found', 'notification not found');
    return row;
  },
);

fn.route(
  {
    method: 'get',
    path: '/{id}/deliveries',
    summary: 'List the deliveries of a notification',
    tag: 'notifications',
    params: IdParam,
    query: PageQuery,
    response: { status: 200, schema: pageOf(r.NotificationDelivery) },
  },
  ({ params, query, caller, db }) =>
    mapped('read', () =>
      db.withUser(caller.claims, async (tx) => {
        const page = await listPage(
          tx,
          'public.notification_deliveries',
          [tx`t.notification_id = ${params.id}`],
          query,
        );
        if (page.data.length === 0) await assertVisible(tx, 'public.notifications', params.id, 'params.id');
        return page;
      }),
    ),
);

fn.route(
  {
    method: 'post',
    path: '',
    summary: 'Create a notification and queue its delivery to the enabled webhook, email and push channels',
    tag: 'notifications',
    body: r.NotificationCreate,
    response: { status: 201, schema: r.NotificationCreated },
  },
  ({ body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const notification = await insertRow(tx, 'public.notifications', body);
        // pending and due now: the server's delivery worker sends them, never this request
        const deliveries = await tx<{ r: Record<string, unknown> }[]>`
          insert into public.notification_deliveries (identity_id, notification_id, channel_id)
          select c.identity_id, ${notification.id as string}, c.id
          from public.notification_channels c
          where c.channel in ('webhook', 'email', 'push') and c.enabled
            and c.identity_id = ${notification.identity_id as string}
          returning to_jsonb(notification_deliveries) as r`;
        return { notification, deliveries: deliveries.map((d) => d.r) };
      }),
    ),
);

export default fn;
