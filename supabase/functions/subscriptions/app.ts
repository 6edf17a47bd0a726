/** Subscription plans (catalog) and the signed-in user's subscriptions (read-only here). */
import * as r from '../../../shared/api/resources.ts';
import { crud } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

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
