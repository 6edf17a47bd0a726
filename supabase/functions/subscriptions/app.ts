/**
 * Plans and subscriptions. Plans are a catalog. A person subscribes, changes plan or cancels; every
 * change is confirmed by the payment adapter (paymentAdapter.ts: none here, nothing is charged) and
 * takes effect through the ledger at a period boundary (private.change_plan): subscribing
 * starts a monthly period now and grants it; a change or a cancellation applies when the period ends.
 * Admins grant top-ups (`POST /subscriptions/top-ups`), audited. API keys manage none of this.
 */
import { IdParam } from '../../../shared/api/common.ts';
import * as r from '../../../shared/api/resources.ts';
import { crud, mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';
import { paymentAdapter, type PlanChange } from './paymentAdapter.ts';

const fn = new EdgeFunction('subscriptions');
crud(fn, {
  path: '/plans',
  table: 'public.subscription_plans',
  owner: 'catalog',
  noun: 'plan',
  tag: 'subscriptions',
  row: r.SubscriptionPlan,
  verbs: ['list', 'get'],
});

/** Asks the payment adapter first; a refusal changes nothing. */
async function confirmed(change: PlanChange): Promise<void> {
  const answer = await paymentAdapter().confirm(change);
  if (!answer.ok) throw new ApiError('insufficient_balance', `the payment was refused: ${answer.reason}`);
}

// static paths before `/{id}`
fn.route(
  {
    method: 'post',
    path: '/top-ups',
    summary: "Credit tokens to a user's account from the mint (admins only; audited on both chains)",
    tag: 'subscriptions',
    body: r.TopUpCreate,
    response: { status: 201, schema: r.TopUp },
    access: 'user',
    idempotency: 'handler',
  },
  async ({ body, caller, db, c }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ t: Record<string, unknown> }[]>`
          select private.grant_top_up(${body.email}, ${body.amount}, ${body.reason}, ${c.req.header('idempotency-key')!}) as t`;
        return row!.t;
      }),
    ),
);

fn.route(
  {
    method: 'post',
    path: '',
    summary: 'Subscribe to a plan: its first monthly period starts now and its tokens are granted at once',
    tag: 'subscriptions',
    body: r.SubscriptionCreate,
    response: { status: 201, schema: r.UserSubscription },
    access: 'user',
  },
  async ({ body, caller, db }) => {
    await confirmed({ kind: 'subscribe', userId: caller.claims.sub, planId: body.plan_id });
    return mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ s: Record<string, unknown> }[]>`
          select to_jsonb(private.subscribe_to_plan(${body.plan_id}, ${body.identity_id ?? null}::uuid)) as s`;
        return row!.s;
      }),
    );
  },
);

fn.route(
  {
    method: 'post',
    path: '/{id}/change',
    summary:
      'Move to another plan when the current period ends (the current plan undoes a scheduled change or cancellation)',
    tag: 'subscriptions',
    params: IdParam,
    body: r.SubscriptionChange,
    response: { status: 200, schema: r.UserSubscription },
    access: 'user',
  },
  async ({ params, body, caller, db }) => {
    await confirmed({
      kind: 'change',
      userId: caller.claims.sub,
      subscriptionId: params.id,
      planId: body.plan_id,
    });
    return mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ s: Record<string, unknown> }[]>`
          select to_jsonb(private.change_plan(${params.id}, ${body.plan_id})) as s`;
        return row!.s;
      }),
    );
  },
);

fn.route(
  {
    method: 'post',
    path: '/{id}/cancel',
    summary: 'Cancel at the end of the current period (the tokens granted stay)',
    tag: 'subscriptions',
    params: IdParam,
    response: { status: 200, schema: r.UserSubscription },
    access: 'user',
  },
  async ({ params, caller, db }) => {
    await confirmed({ kind: 'cancel', userId: caller.claims.sub, subscriptionId: params.id });
    return mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ s: Record<string, unknown> }[]>`
          select to_jsonb(private.cancel_plan(${params.id})) as s`;
        return row!.s;
      }),
    );
  },
);

crud(fn, {
  path: '',
  table: 'public.user_subscriptions',
  owner: 'user',
  noun: 'subscription',
  tag: 'subscriptions',
  row: r.UserSubscription,
  verbs: ['list', 'get'],
});

export default fn;
