/**
 * A thread's own token budget is enforced. `threads.token_budget` (set with the thread, shown as
 * "consumed / budget" in the room and the bureau) was only displayed: the ledger counted
 * `tokens_consumed` but never compared it, so a run could spend any amount on a thread whose owner
 * had capped it. Now it is a cap on what the thread consumed plus what runs hold for it:
 * - `threads.tokens_reserved`: tokens held by open reservations for the thread (its reference
 *   thread or `thread` scope), maintained by the ledger like `tokens_consumed`; the migration
 *   counts the holds open now;
 * - `private.ledger_charge_thread` applies a change of consumption and holds to the thread under its
 *   row lock (the lock order stays: account, reservation, budgets, thread, system account) and
 *   refuses new usage beyond the cap with `budget exceeded: thread <id>`, which the API maps to
 *   402 budget_exceeded naming the thread. Settling turns a hold into consumption and is never
 *   refused, even if the owner lowered the cap meanwhile; lowering it only stops new runs.
 * debit, reserve and settle are restated from 20261127060100 with that one change each.
 */
alter table public.threads
  add column tokens_reserved bigint not null default 0 check (tokens_reserved >= 0);

update public.threads t set tokens_reserved = h.held
from (
  select coalesce(case when r.reference_type = 'thread' then r.reference_id end, (r.budget_scopes ->> 'thread')::uuid)
           as thread_id,
         sum(r.amount) as held
  from public.token_reservations r
  where r.status = 'open'
  group by 1
) h
where t.id = h.thread_id;

/**
 * Adds `p_spend` to a thread's consumption and `p_hold` to its holds (negative: released), and
 * refuses when the change adds usage and the thread's `token_budget` is then exceeded. No thread
 * (null, or deleted since) is nothing to do. Callers hold the identity's account lock.
 */
create function private.ledger_charge_thread(p_thread uuid, p_spend bigint, p_hold bigint) returns void
language plpgsql security definer
set search_path = ''
as $$
declare
  cap bigint;
  used bigint;
begin
  if p_thread is null then
    return;
  end if;
  update public.threads t
  set tokens_consumed = t.tokens_consumed + p_spend, tokens_reserved = t.tokens_reserved + p_hold
  where t.id = p_thread
  returning t.token_budget, t.tokens_consumed + t.tokens_reserved into cap, used;
  if found and cap is not null and p_spend + p_hold > 0 and used > cap then
    raise exception 'budget exceeded: thread %', p_thread
      using errcode = 'P0001',
            detail = format('thread %s: %s of %s consumed or held, %s requested',
                            p_thread, used - p_spend - p_hold, cap, p_spend + p_hold);
  end if;
end;
$$;
revoke execute on function private.ledger_charge_thread(uuid, bigint, bigint) from public, anon, authenticated;

/**
 * Spends `p_amount` of an identity's available tokens at once: checks the balance and every budget
 * of `p_scopes` (the identity's own always applies) and the thread's own budget, counts the
 * thread's consumption (the reference thread or the `thread` scope) and pays the provider account. A replay of the same request returns
 * the first movement; the same key with a different request is refused.
 */
create or replace function private.ledger_debit(
  p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid,
  p_scopes jsonb default '{}'::jsonb
) returns public.token_movements
language plpgsql security definer
set search_path = ''
as $$
declare
  scopes jsonb;
  req_hash text;
  acc_id uuid;
  acc_balance bigint;
  acc_reserved bigint;
  sys_id uuid;
  sys_balance bigint;
  mv public.token_movements;
  budget_ids uuid[];
  thread_id uuid;
begin
  if p_amount is null or p_amount <= 0 then
    raise exception 'debit amount must be positive' using errcode = '22023';
  end if;
  scopes := private.ledger_scopes(p_identity, p_scopes);
  req_hash := private.ledger_request_hash(jsonb_build_object(
    'op', 'debit', 'identity', p_identity, 'amount', p_amount, 'reference_type', p_reference_type,
    'reference_id', p_reference_id, 'scopes', scopes));

  select a.id, a.balance, a.reserved into acc_id, acc_balance, acc_reserved
  from public.token_accounts a
  where a.identity_id = p_identity and a.kind = 'identity'
  for update;
  if not found then
    raise exception 'no token account for identity %', p_identity using errcode = 'P0002';
  end if;
  mv := private.ledger_replay(p_identity, p_idempotency_key, req_hash);
  if mv.id is not null then
    if mv.kind <> 'debit' then
      raise exception 'idempotency key reused with a different request: %', p_idempotency_key
        using errcode = '22023';
    end if;
    return mv;
  end if;
  if acc_balance - acc_reserved < p_amount then
    raise exception 'insufficient balance: identity % has % available, % requested',
      p_identity, acc_balance - acc_reserved, p_amount using errcode = 'P0001';
  end if;

  budget_ids := private.ledger_charge_budgets(p_identity, scopes, p_amount, 0);
  update public.token_accounts a
  set balance = a.balance - p_amount, lifetime_spent = a.lifetime_spent + p_amount
  where a.id = acc_id
  returning a.balance, a.reserved into acc_balance, acc_reserved;
  thread_id := case when p_reference_type = 'thread' then p_reference_id else (scopes ->> 'thread')::uuid end;
  if thread_id is not null then
    perform private.ledger_charge_thread(thread_id, p_amount, 0);
  end if;
  select s.shard_id, s.balance into sys_id, sys_balance from private.ledger_system_shard('system_provider', p_amount) s;

  with m as (
    insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type, reference_id)
    values (p_identity, 'debit', p_idempotency_key, req_hash, p_reference_type, p_reference_id)
    returning *
  ), p as (
    insert into public.token_transactions
      (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type, reference_id)
    select m.id, v.account_id, v.type, v.amount, v.balance_after, v.reserved_after, p_reference_type, p_reference_id
    from m, (values (1, acc_id, 'debit', -p_amount, acc_balance, acc_reserved),
                    (2, sys_id, 'credit', p_amount, sys_balance, 0::bigint))
              v (n, account_id, type, amount, balance_after, reserved_after)
    order by v.n
  )
  select m.* into mv from m;
  perform private.audit(p_identity, 'ledger.debit', 'token_movement', mv.id,
    jsonb_build_object('amount', p_amount, 'reference_type', p_reference_type, 'reference_id', p_reference_id,
                       'budget_ids', to_jsonb(budget_ids)));
  return mv;
end;
$$;

/**
 * Step 5 of the pipeline: holds `p_amount` of the identity's available tokens for `p_ttl`, checked
 * against the balance and every budget of the scopes in `p_scopes` (identity, sphere, domain,
 * dataspace, thread; the identity's own budget always applies). Refuses with the scope that
 * refused. A replay of the same request returns the first reservation.
 */
create or replace function private.ledger_reserve(
  p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid,
  p_ttl interval, p_scopes jsonb
) returns public.token_reservations
language plpgsql security definer
set search_path = ''
as $$
declare
  scopes jsonb := coalesce(p_scopes, '{}'::jsonb);
  req_hash text;
  acc_id uuid;
  acc_balance bigint;
  acc_reserved bigint;
  mv public.token_movements;
  res public.token_reservations;
  budget_ids uuid[];
  k text;
begin
  if p_amount is null or p_amount <= 0 then
    raise exception 'reserve amount must be positive' using errcode = '22023';
  end if;
  if p_ttl is null or p_ttl <= interval '0' then
    raise exception 'reservation ttl must be positive' using errcode = '22023';
  end if;
  if jsonb_typeof(scopes) <> 'object' then
    raise exception 'budget scopes must be a json object' using errcode = '22023';
  end if;
  for k in select jsonb_object_keys(scopes) loop
    if k not in ('identity', 'sphere', 'domain', 'dataspace', 'thread') then
      raise exception 'unknown budget scope: %', k using errcode = '22023';
    end if;
  end loop;
  if scopes ? 'identity' and (scopes ->> 'identity')::uuid <> p_identity then
    raise exception 'identity scope % is not the reserving identity %', scopes ->> 'identity', p_identity
      using errcode = '22023';
  end if;
  scopes := scopes || jsonb_build_object('identity', p_identity);
  req_hash := private.ledger_request_hash(jsonb_build_object(
    'op', 'reserve', 'identity', p_identity, 'amount', p_amount, 'reference_type', p_reference_type,
    'reference_id', p_reference_id, 'ttl_seconds', extract(epoch from p_ttl), 'scopes', scopes));

  select a.id, a.balance, a.reserved into acc_id, acc_balance, acc_reserved
  from public.token_accounts a
  where a.identity_id = p_identity and a.kind = 'identity'
  for update;
  if not found then
    raise exception 'no token account for identity %', p_identity using errcode = 'P0002';
  end if;
  mv := private.ledger_replay(p_identity, p_idempotency_key, req_hash);
  if mv.id is not null then
    select r.* into res from public.token_reservations r where r.movement_id = mv.id;
    if not found then
      raise exception 'idempotency key reused with a different request: %', p_idempotency_key
        using errcode = '22023';
    end if;
    return res;
  end if;
  if acc_balance - acc_reserved < p_amount then
    raise exception 'insufficient balance: identity % has % available, % requested',
      p_identity, acc_balance - acc_reserved, p_amount using errcode = 'P0001';
  end if;

  budget_ids := private.ledger_charge_budgets(p_identity, scopes, 0, p_amount);
  if p_reference_type = 'thread' or scopes ? 'thread' then
    perform private.ledger_charge_thread(
      case when p_reference_type = 'thread' then p_reference_id else (scopes ->> 'thread')::uuid end, 0, p_amount);
  end if;
  update public.token_accounts a set reserved = a.reserved + p_amount where a.id = acc_id
  returning a.balance, a.reserved into acc_balance, acc_reserved;
  with m as (
    insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type, reference_id)
    values (p_identity, 'reserve', p_idempotency_key, req_hash, p_reference_type, p_reference_id)
    returning id
  ), p as (
    insert into public.token_transactions
      (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type, reference_id)
    select m.id, acc_id, 'reserve', p_amount, acc_balance, acc_reserved, p_reference_type, p_reference_id from m
  )
  insert into public.token_reservations
    (identity_id, account_id, movement_id, amount, expires_at, reference_type, reference_id, idempotency_key,
     budget_scopes)
  select p_identity, acc_id, m.id, p_amount, now() + p_ttl, p_reference_type, p_reference_id,
         p_idempotency_key, scopes || jsonb_build_object('budget_ids', to_jsonb(budget_ids))
  from m
  returning * into res;
  perform private.audit(p_identity, 'ledger.reserve', 'token_reservation', res.id,
    jsonb_build_object('amount', p_amount, 'movement_id', res.movement_id, 'reference_type', p_reference_type,
                       'reference_id', p_reference_id, 'budget_ids', to_jsonb(budget_ids)));
  return res;
end;
$$;

/**
 * Ends a locked open reservation: releases its hold, debits `p_actual` to the provider (commit
 * only), moves the charged budgets' hold to spent, counts the thread's consumption, and records one
 * movement. Internal to the ledger functions, which hold the account lock.
 */
create or replace function private.ledger_settle(
  p_res public.token_reservations, p_actual bigint, p_kind text, p_status text, p_key text, p_hash text
) returns public.token_reservations
language plpgsql security definer
set search_path = ''
as $$
declare
  acc_balance bigint;
  acc_reserved bigint;
  sys_id uuid;
  sys_balance bigint;
  mv_id uuid;
  res public.token_reservations;
  thread_id uuid;
  budget_ids uuid[];
begin
  -- the status guard first: a reservation resolved meanwhile is refused before anything is written
  update public.token_reservations r
  set status = p_status, committed_amount = p_actual, resolved_at = now()
  where r.id = p_res.id and r.status = 'open'
  returning r.* into res;
  if not found then
    raise exception 'reservation % is already resolved', p_res.id using errcode = '55000';
  end if;

  budget_ids := array(select (jsonb_array_elements_text(coalesce(p_res.budget_scopes -> 'budget_ids', '[]'::jsonb)))::uuid);
  if cardinality(budget_ids) > 0 then
    perform 1 from public.token_budgets t where t.id = any(budget_ids) order by t.id for update;
    update public.token_budgets t
    set reserved = t.reserved - p_res.amount, spent = t.spent + p_actual
    where t.id = any(budget_ids);
  end if;

  update public.token_accounts a
  set reserved = a.reserved - p_res.amount, balance = a.balance - p_actual,
      lifetime_spent = a.lifetime_spent + p_actual
  where a.id = p_res.account_id
  returning a.balance, a.reserved into acc_balance, acc_reserved;

  thread_id := case when p_res.reference_type = 'thread' then p_res.reference_id
                    else (p_res.budget_scopes ->> 'thread')::uuid end;
  if thread_id is not null then
    perform private.ledger_charge_thread(thread_id, p_actual, -p_res.amount);
  end if;
  if p_actual > 0 then
    select s.shard_id, s.balance into sys_id, sys_balance
    from private.ledger_system_shard('system_provider', p_actual) s;
  end if;

  with m as (
    insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type, reference_id)
    values (p_res.identity_id, p_kind, p_key, p_hash, p_res.reference_type, p_res.reference_id)
    returning id
  ), p as (
    insert into public.token_transactions
      (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type, reference_id)
    select m.id, v.account_id, v.type, v.amount, v.balance_after, v.reserved_after,
           p_res.reference_type, p_res.reference_id
    from m, (values (1, p_res.account_id, 'release', -p_res.amount, acc_balance + p_actual, acc_reserved),
                    (2, p_res.account_id, 'debit', -p_actual, acc_balance, acc_reserved),
                    (3, sys_id, 'credit', p_actual, sys_balance, 0::bigint))
              v (n, account_id, type, amount, balance_after, reserved_after)
    where v.n = 1 or p_actual > 0
    order by v.n
  )
  select m.id into mv_id from m;
  perform private.audit(p_res.identity_id, 'ledger.' || p_kind, 'token_reservation', p_res.id,
    jsonb_build_object('amount', p_res.amount, 'actual', p_actual, 'movement_id', mv_id, 'status', p_status));
  return res;
end;
$$;
