/**
 * Notifications of the active identity and their channels. Creating a notification queues one
 * delivery per enabled webhook channel and answers at once; the delivery worker of the server
 * (server/notifications/deliveryWorker.ts) sends them through the outbound policy, retrying with
 * backoff, and the owner follows each one under `/{id}/deliveries`. A webhook URL is checked when it
 * is saved (create and update): http(s), no credentials, no refused address literal or localhost
 * name; the names it resolves to are checked again at every delivery.
 * Email, push and SMS channels can be configured but have no provider locally: nothing is sent.
 */
import { IdParam, PageQuery, pageOf } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { checkUrl } from '../../../server/outbound/addressPolicy.ts';
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

const fn = new EdgeFunction('notifications');
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
    const row = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [current] = await tx<{ channel: string }[]>`
          select channel from public.notification_channels where id = ${params.id} for update`;
        if (!current) return undefined;
        if (current.channel === 'webhook' && body.config !== undefined) assertWebhookConfig(body.config);
        return updateRow(tx, 'public.notification_channels', body, [tx`t.id = ${params.id}`]);
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
    const secret =
      body.channel === 'webhook'
        ? [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, '0')).join('')
        : null;
    const channel = await mapped('write', () =>
      db.withUser(caller.claims, (tx) => insertRow(tx, 'public.notification_channels', { ...body, secret })),
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
    summary: 'Create a notification and queue its delivery to the enabled webhook channels',
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
          where c.channel = 'webhook' and c.enabled and c.identity_id = ${notification.identity_id as string}
          returning to_jsonb(notification_deliveries) as r`;
        return { notification, deliveries: deliveries.map((d) => d.r) };
      }),
    ),
);

export default fn;
