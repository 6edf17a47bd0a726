/**
 * The ledger's lock order, kept by the plan functions. A ledger operation locks the identity's
 * account, then its budgets and thread, and writes its audit row last (private.audit_chain_row
 * takes the identity's audit-chain lock). Subscribing and the sweeper's renewal audited an identity
 * first and granted to its account afterwards (in the same transaction: the grant at subscription,
 * the renewal and grant jobs run together), so a run reserving on that identity at the same moment
 * held the account and waited for the audit chain while the plan function held the chain and waited
 * for the account: a deadlock (seen in the clock-shift run, where Postgres' deadlock timer does not
 * fire under faketime, as a hang). Both now take the account first.
 */

/**
 * Locks an identity's token account when it has one, without refusing when it has none (a grant
 * opens it): for functions that audit an identity and then credit it, so they take the ledger's
 * locks in the ledger's order (account before audit chain).
 */
create function private.ledger_hold_account(p_identity uuid)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  perform 1 from public.token_accounts a
  where a.identity_id = p_identity and a.kind = 'identity'
  for update;
end;
$$;

/**
 * Ends the periods that are over by `private.clock()`: a subscription set to cancel ends
 * (`cancelled`); otherwise it moves to its next monthly period, on the plan a change named
 * (`pending_plan_id`) or the same one, and the grant job grants that period. Returns how many
 * subscriptions changed. Safe to run concurrently (each row is re-read under its lock). Restated
 * from 20261130020900: the identity's account is locked before its audit row.
 */
create or replace function private.renew_subscriptions()
 returns integer
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  at timestamptz := private.clock();
  sub public.user_subscriptions;
  target uuid;
  next_start timestamptz;
  rid uuid;
  n integer := 0;
begin
  for rid in
    select us.id from public.user_subscriptions us
    where us.status = 'active' and us.current_period_end <= at
    order by us.id
  loop
    select us.* into sub from public.user_subscriptions us
    where us.id = rid and us.status = 'active' and us.current_period_end <= at for update;
    continue when not found;
    target := coalesce(sub.identity_id,
      (select i.id from public.identities i where i.user_id = sub.user_id and i.is_default));
    -- the ledger's lock order: the account before the identity's audit chain (the grant job credits it)
    perform private.ledger_hold_account(target);
    if sub.cancel_at_period_end then
      update public.user_subscriptions us set status = 'cancelled', cancelled_at = coalesce(us.cancelled_at, at)
      where us.id = sub.id;
      if target is not null then
        perform private.audit(target, 'subscription.ended', 'user_subscription', sub.id,
                              jsonb_build_object('plan_id', sub.plan_id, 'at', sub.current_period_end));
      end if;
    else
      -- the period in force now (a period that ended while nothing ran is not granted afterwards)
      next_start := sub.current_period_end;
      while next_start + interval '1 month' <= at loop
        next_start := next_start + interval '1 month';
      end loop;
      update public.user_subscriptions us
      set plan_id = coalesce(us.pending_plan_id, us.plan_id), pending_plan_id = null,
          current_period_start = next_start, current_period_end = next_start + interval '1 month'
      where us.id = sub.id;
      if target is not null then
        perform private.audit(target, 'subscription.renewed', 'user_subscription', sub.id,
                              jsonb_build_object('from_plan_id', sub.plan_id,
                                                 'plan_id', coalesce(sub.pending_plan_id, sub.plan_id)));
      end if;
    end if;
    n := n + 1;
  end loop;
  return n;
end;
$$;
grant execute on function private.renew_subscriptions() to service_role;

/**
 * Subscribes the signed-in user to `p_plan`, its tokens going to `p_identity` (default: the active
 * identity): the first monthly period starts now and is granted at once. The free plan a new user
 * starts on (20261206500500) ends at that moment (its granted tokens stay); any other live
 * subscription is refused (23505: change its plan instead), and so is an inactive plan (P0002).
 * Restated from 20261130020900: the identity's account is locked before any audit row.
 */
create or replace function private.subscribe_to_plan(p_plan uuid, p_identity uuid default null::uuid)
 returns public.user_subscriptions
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  uid uuid := private.assert_person();
  ident uuid := private.own_identity(p_identity);
  at timestamptz := private.clock();
  sub public.user_subscriptions;
begin
  if not exists (select 1 from public.subscription_plans p where p.id = p_plan and p.active) then
    raise exception 'no plan %', p_plan using errcode = 'P0002';
  end if;
  -- the ledger's lock order: the account the first period is granted to, before any audit row
  perform private.ledger_hold_account(ident);
  select us.* into sub from public.user_subscriptions us
  where us.user_id = uid and us.status in ('active', 'past_due') for update;
  if found then
    if exists (select 1 from public.subscription_plans p where p.id = sub.plan_id and p.price_cents_monthly > 0)
       or sub.plan_id = p_plan then
      raise exception 'you have a subscription already: change its plan instead' using errcode = '23505';
    end if;
    update public.user_subscriptions us set status = 'cancelled', cancelled_at = at, pending_plan_id = null
    where us.id = sub.id;
    perform private.audit(coalesce(sub.identity_id, ident), 'subscription.replaced', 'user_subscription', sub.id,
                          jsonb_build_object('plan_id', sub.plan_id, 'by_plan_id', p_plan));
  end if;
  insert into public.user_subscriptions (user_id, plan_id, identity_id, status, current_period_start, current_period_end)
  values (uid, p_plan, ident, 'active', at, at + interval '1 month')
  returning * into sub;
  perform private.audit(ident, 'subscription.started', 'user_subscription', sub.id,
                        jsonb_build_object('plan_id', p_plan, 'period_end', sub.current_period_end));
  perform private.ledger_grant_subscription(sub.id);
  return sub;
end;
$$;
grant execute on function private.subscribe_to_plan(p_plan uuid, p_identity uuid) to authenticated, service_role;
