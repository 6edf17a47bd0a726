/**
 * Notifications of the active identity and their channels. Creating a notification delivers it to
 * every enabled webhook channel (signed, retried) before answering, and records each delivery.
 * Email, push and SMS channels can be configured but have no provider locally: nothing is sent.
 */
import { IdParam, PageQuery, pageOf } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
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
import { deliverWebhook } from '../_shared/webhooks.ts';

const fn = new EdgeFunction('notifications');
crud(fn, {
  path: '/channels',
  table: 'public.notification_channels',
  noun: 'notification channel',
  tag: 'notifications',
  row: r.NotificationChannel,
  update: r.NotificationChannelUpdate,
  verbs: ['list', 'get', 'update', 'delete'],
});
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
    if (body.channel === 'webhook') {
      const url = (body.config as { url?: unknown } | undefined)?.url;
      if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) {
        throw new ApiError('validation_failed', 'a webhook channel needs config.url', [
          { path: 'body.config.url', message: 'expected an http(s) URL', code: 'invalid_format' },
        ]);
      }
    }
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
    summary: 'Create a notification and deliver it to the enabled webhook channels',
    tag: 'notifications',
    body: r.NotificationCreate,
    response: { status: 201, schema: r.NotificationCreated },
  },
  async ({ body, caller, db }) => {
    const { notification, targets } = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const notification = await insertRow(tx, 'public.notifications', body);
        const targets = await tx<{ delivery_id: string; url: string; secret: string }[]>`
          insert into public.notification_deliveries (identity_id, notification_id, channel_id)
          select c.identity_id, ${notification.id as string}, c.id
          from public.notification_channels c
          where c.channel = 'webhook' and c.enabled and c.identity_id = ${notification.identity_id as string}
          returning id as delivery_id,
            (select c2.config ->> 'url' from public.notification_channels c2 where c2.id = channel_id) as url,
            (select c2.secret from public.notification_channels c2 where c2.id = channel_id) as secret`;
        return { notification, targets };
      }),
    );
    const deliveries = [];
    for (const t of targets) {
      const payload = { id: t.delivery_id, type: notification.kind, notification };
      const outcome = await deliverWebhook(t.url, t.secret, t.delivery_id, payload);
      // a delivery's outcome is server-kept (column privileges): the deliverer records it, on the
      // delivery row this request has just created
      const row = await mapped('write', () =>
        db.withService((tx) =>
          updateRow(
            tx,
            'public.notification_deliveries',
            {
              status: outcome.delivered ? 'delivered' : 'failed',
              attempts: outcome.attempts,
              last_error: outcome.lastError,
              delivered_at: outcome.delivered ? new Date().toISOString() : null,
              next_attempt_at: null,
            },
            [tx`t.id = ${t.delivery_id}`],
          ),
        ),
      );
      deliveries.push(row);
    }
    return { notification, deliveries };
  },
);

export default fn;
