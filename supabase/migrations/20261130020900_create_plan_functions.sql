/**
 * Plans, subscriptions and API keys: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/** Cancels the signed-in user's subscription at the end of its period (its tokens stay). */
create function private.cancel_plan(p_subscription uuid)
 returns public.user_subscriptions
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  uid uuid := private.assert_person();
  sub public.user_subscriptions;
begin
  update public.user_subscriptions us
  set cancel_at_period_end = true, cancelled_at = private.clock(), pending_plan_id = null
  where us.id = p_subscription and us.user_id = uid and us.status = 'active'
  returning * into sub;
  if not found then
    raise exception 'no active subscription %', p_subscription using errcode = 'P0002';
  end if;
  perform private.audit(coalesce(sub.identity_id, private.active_identity_id()), 'subscription.cancel_scheduled',
                        'user_subscription', sub.id, jsonb_build_object('at', sub.current_period_end));
  return sub;
end;
$$;
grant execute on function private.cancel_plan(p_subscription uuid) to authenticated, service_role;

/**
 * Schedules the signed-in user's subscription `p_subscription` to move to `p_plan` when its period
 * ends (the current period keeps its grant); naming the current plan undoes a scheduled change or
 * cancellation. Another user's subscription is not found (P0002).
 */
create function private.change_plan(p_subscription uuid, p_plan uuid)
 returns public.user_subscriptions
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  uid uuid := private.assert_person();
  sub public.user_subscriptions;
begin
  select us.* into sub from public.user_subscriptions us
  where us.id = p_subscription and us.user_id = uid and us.status = 'active' for update;
  if not found then
    raise exception 'no active subscription %', p_subscription using errcode = 'P0002';
  end if;
  if not exists (select 1 from public.subscription_plans p where p.id = p_plan and p.active) then
    raise exception 'no plan %', p_plan using errcode = 'P0002';
  end if;
  update public.user_subscriptions us
  set pending_plan_id = case when p_plan = us.plan_id then null else p_plan end,
      cancel_at_period_end = false, cancelled_at = null
  where us.id = sub.id returning * into sub;
  perform private.audit(coalesce(sub.identity_id, private.active_identity_id()), 'subscription.change_scheduled',
                        'user_subscription', sub.id,
                        jsonb_build_object('plan_id', p_plan, 'at', sub.current_period_end));
  return sub;
end;
$$;
grant execute on function private.change_plan(p_subscription uuid, p_plan uuid) to authenticated, service_role;

/**
 * Creates an API key of the active identity from the key's visible prefix and SHA-256, which the
 * API computed from the key it shows once. Refused to API-key requests (a key never mints keys)
 * and without an active identity. Expiry and permissions are checked by the table.
 */
create function private.create_api_key(p_name text, p_permissions text[], p_expires_at timestamptz, p_prefix text, p_key_hash text)
 returns public.api_keys
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  k public.api_keys;
begin
  if active is null or (select private.is_api_key_request()) then
    raise exception 'API keys are created by a signed-in user' using errcode = '42501';
  end if;
  insert into public.api_keys (identity_id, name, prefix, key_hash, permissions, expires_at)
  values (active, p_name, p_prefix, p_key_hash, p_permissions, p_expires_at)
  returning * into k;
  return k;
end;
$$;
grant execute on function private.create_api_key(p_name text, p_permissions text[], p_expires_at timestamp with time zone, p_prefix text, p_key_hash text) to authenticated, service_role;

/**
 * An admin's top-up: credits `p_amount` tokens from the mint to the account of the user with
 * `p_email` (their subscription's identity, else their default one), for `p_reason`, once per
 * `p_key`. Refuses anyone but an admin (42501). Audited on the receiving identity's chain and on the
 * admin's. Returns `{identity_id, movement_id, amount}`.
 */
create function private.grant_top_up(p_email text, p_amount bigint, p_reason text, p_key text)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  admin_user uuid := (select auth.uid());
  admin_identity uuid := private.active_identity_id();
  target_user uuid;
  target uuid;
  mv public.token_movements;
begin
  if not private.has_staff_role('admin') then
    raise exception 'only admins grant top-ups' using errcode = '42501';
  end if;
  if p_amount is null or p_amount < 1 or p_amount > 100000000 then
    raise exception 'a top-up is between 1 and 100 000 000 tokens' using errcode = '22023';
  end if;
  if p_reason is null or length(btrim(p_reason)) = 0 or length(p_reason) > 500 then
    raise exception 'a top-up needs a reason of at most 500 characters' using errcode = '22023';
  end if;
  select u.id into target_user from public.users u where lower(u.email) = lower(p_email);
  if not found then
    raise exception 'no user with email %', p_email using errcode = 'P0002';
  end if;
  target := coalesce(
    (select us.identity_id from public.user_subscriptions us
     where us.user_id = target_user and us.status in ('active', 'past_due') and us.identity_id is not null limit 1),
    (select i.id from public.identities i where i.user_id = target_user and i.is_default));
  if target is null then
    raise exception 'user % has no identity to credit', p_email using errcode = 'P0002';
  end if;
  insert into public.token_accounts (kind, identity_id, user_id) values ('identity', target, target_user)
  on conflict do nothing;
  -- a replay (same key) returns the first top-up and audits nothing twice
  select m.* into mv from public.token_movements m
  where m.identity_id = target and m.idempotency_key = 'top_up:' || p_key;
  if found then
    return jsonb_build_object('identity_id', target, 'movement_id', mv.id, 'amount', p_amount, 'replayed', true);
  end if;
  mv := private.ledger_credit(target, p_amount, 'top_up:' || p_key, 'manual', null);
  perform private.audit(target, 'tokens.top_up', 'token_movement', mv.id,
                        jsonb_build_object('amount', p_amount, 'reason', p_reason, 'by_user_id', admin_user));
  if admin_identity is not null then
    perform private.audit(admin_identity, 'admin.top_up', 'token_movement', mv.id,
                          jsonb_build_object('amount', p_amount, 'reason', p_reason, 'user_id', target_user));
  end if;
  return jsonb_build_object('identity_id', target, 'movement_id', mv.id, 'amount', p_amount);
end;
$$;
grant execute on function private.grant_top_up(p_email text, p_amount bigint, p_reason text, p_key text) to authenticated, service_role;

/** A revoked API key stays revoked: revoked_at, once set, never changes. */
create function private.guard_api_key_revocation()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
begin
  if old.revoked_at is not null and new.revoked_at is distinct from old.revoked_at then
    raise exception 'API key % is revoked; it cannot be restored', old.prefix using errcode = '23514';
  end if;
  return new;
end;
$$;

/** Every active subscription's due periods (the sweeper's grant job), on `private.clock()`. */
create function private.ledger_grant_plans()
 returns integer
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  sid uuid;
  n integer := 0;
begin
  for sid in
    select us.id from public.user_subscriptions us
    where us.status = 'active' and us.current_period_start <= private.clock()
    order by us.id
  loop
    n := n + private.ledger_grant_subscription(sid);
  end loop;
  return n;
end;
$$;
grant execute on function private.ledger_grant_plans() to service_role;

/**
 * Grants one subscription the plan's monthly tokens for each monthly period (from
 * `current_period_start`, dated in the user's time zone) that has begun and is not granted yet: as
 * in 20261206500500 (sign-up's free plan uses it too), the periods now read on `private.clock()`.
 * Returns the grants made.
 */
create function private.ledger_grant_subscription(p_subscription uuid)
 returns integer
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  s record;
  target uuid;
  at timestamptz := private.clock();
  period_start timestamptz;
  period_date date;
  k integer := 0;
  mv public.token_movements;
  n integer := 0;
begin
  select us.id, us.user_id, us.identity_id, us.plan_id, us.current_period_start, us.current_period_end,
         p.monthly_tokens, u.time_zone
  into s
  from public.user_subscriptions us
  join public.subscription_plans p on p.id = us.plan_id
  join public.users u on u.id = us.user_id
  where us.id = p_subscription and us.status = 'active'
  for update of us;
  if not found or s.monthly_tokens <= 0 or s.current_period_start > at then
    return 0;
  end if;
  target := coalesce(s.identity_id,
    (select i.id from public.identities i where i.user_id = s.user_id and i.is_default));
  if target is null then
    return 0;
  end if;
  insert into public.token_accounts (kind, identity_id, user_id) values ('identity', target, s.user_id)
  on conflict do nothing;
  loop
    period_start := s.current_period_start + make_interval(months => k);
    exit when period_start > at or period_start >= s.current_period_end;
    period_date := (period_start at time zone s.time_zone)::date;
    if not exists (select 1 from public.plan_grants g
                   where g.subscription_id = s.id and g.period_start = period_date) then
      mv := private.ledger_credit(target, s.monthly_tokens, format('plan:%s:%s', s.id, period_date), 'plan',
                                  s.plan_id);
      insert into public.plan_grants (identity_id, subscription_id, plan_id, period_start, movement_id, tokens)
      values (target, s.id, s.plan_id, period_date, mv.id, s.monthly_tokens);
      n := n + 1;
    end if;
    k := k + 1;
  end loop;
  return n;
end;
$$;
grant execute on function private.ledger_grant_subscription(p_subscription uuid) to service_role;

/**
 * Ends the periods that are over by `private.clock()`: a subscription set to cancel ends
 * (`cancelled`); otherwise it moves to its next monthly period, on the plan a change named
 * (`pending_plan_id`) or the same one, and the grant job grants that period. Returns how many
 * subscriptions changed. Safe to run concurrently (each row is re-read under its lock).
 */
create function private.renew_subscriptions()
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
 */
create function private.subscribe_to_plan(p_plan uuid, p_identity uuid default null::uuid)
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
