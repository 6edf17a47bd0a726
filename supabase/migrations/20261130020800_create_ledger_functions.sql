/**
 * The token ledger: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * A budget as the verdict weighs it and a charge updates it: the columns of
 * public.token_budgets_now the rule reads, in their current period. Narrower than the view's row on
 * purpose: each computed column of the view asks private.clock() again, and a charge reads these on
 * every reservation and debit.
 */
create type private.ledger_budget as (
  id uuid,
  scope_type text,
  scope_id uuid,
  period text,
  amount bigint,
  spent_now bigint,
  reserved bigint,
  current_start timestamp with time zone,
  ended boolean,
  period_end timestamp with time zone
);

/**
 * The client's entry point for `POST /tokens/allocate`: allocates from the request's ACTIVE
 * identity only (a forged or foreign identity claim resolves to none and is refused).
 */
create function private.allocate_tokens(p_scope_type text, p_scope_id uuid, p_amount bigint, p_idempotency_key text)
 returns public.token_allocations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  return private.ledger_allocate(active, p_scope_type, p_scope_id, p_amount, p_idempotency_key);
end;
$$;
grant execute on function private.allocate_tokens(p_scope_type text, p_scope_id uuid, p_amount bigint, p_idempotency_key text) to authenticated, service_role;

/**
 * Double entry: the balance postings (credit, debit, transfer) of a movement sum to zero. Checked
 * at commit (deferred), once the writer has inserted every posting of the movement. Reserve and
 * release postings only move tokens between an account's available and reserved parts, so they
 * stay out of the sum.
 */
create function private.check_token_movement_balanced()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  total numeric;
begin
  select coalesce(sum(t.amount), 0) into total
  from public.token_transactions t
  where t.movement_id = new.movement_id and t.type in ('credit', 'debit', 'transfer');
  if total <> 0 then
    raise exception 'token movement % is unbalanced: its balance postings sum to %', new.movement_id, total
      using errcode = '23514';
  end if;
  return null;
end;
$$;

/**
 * Moves `p_amount` of the owner's available tokens into a dataspace's or thread's budget (a
 * capped thread's own `token_budget` rises by the amount too); the balance is decided by
 * private.ledger_verdict (no budgets: the tokens are set aside, not spent). Restated from
 * 20261127080200 with that decision and the key's refusal (LD004).
 */
create function private.ledger_allocate(p_identity uuid, p_scope_type text, p_scope_id uuid, p_amount bigint, p_idempotency_key text)
 returns public.token_allocations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  owner_id uuid;
  tz text;
  req_hash text := private.ledger_request_hash(jsonb_build_object(
    'op', 'allocate', 'identity', p_identity, 'scope_type', p_scope_type, 'scope_id', p_scope_id,
    'amount', p_amount));
  acc public.token_accounts;
  mv public.token_movements;
  bud public.token_budgets;
  alloc public.token_allocations;
  alloc_id uuid := gen_random_uuid();
begin
  if p_amount is null or p_amount <= 0 then
    raise exception 'allocation amount must be positive' using errcode = '22023';
  end if;
  if p_scope_type is null or p_scope_type not in ('dataspace', 'thread') then
    raise exception 'allocations go to a dataspace or a thread, not %', coalesce(p_scope_type, 'null')
      using errcode = '22023';
  end if;
  if p_scope_type = 'dataspace' then
    select d.identity_id, s.time_zone into owner_id, tz
    from public.dataspaces d join public.spheres s on s.id = d.sphere_id where d.id = p_scope_id;
  else
    select t.identity_id, s.time_zone into owner_id, tz
    from public.threads t join public.dataspaces d on d.id = t.dataspace_id
    join public.spheres s on s.id = d.sphere_id where t.id = p_scope_id;
  end if;
  if not found then
    raise exception 'no % %', p_scope_type, p_scope_id using errcode = 'P0002';
  end if;
  if owner_id <> p_identity then
    raise exception 'identity % does not own % %', p_identity, p_scope_type, p_scope_id using errcode = '42501';
  end if;

  acc := private.ledger_lock_account(p_identity);
  mv := private.ledger_replay(p_identity, p_idempotency_key, req_hash);
  if mv.id is not null then
    select a.* into alloc from public.token_allocations a where a.movement_id = mv.id;
    if not found then
      perform private.ledger_key_reused(p_idempotency_key, mv);
    end if;
    return alloc;
  end if;
  perform private.ledger_charge(p_identity, acc.balance - acc.reserved, p_amount, null, null, 0, 0);

  perform 1 from public.token_budgets t
  where t.identity_id = p_identity and t.scope_type = p_scope_type and t.scope_id = p_scope_id
  order by t.id for update;
  select t.* into bud from public.token_budgets t
  where t.identity_id = p_identity and t.scope_type = p_scope_type and t.scope_id = p_scope_id
    and not (t.period = 'project' and t.period_end <= now())
  order by array_position(array['project', 'monthly', 'weekly', 'daily', 'unlimited'], t.period)
  limit 1;
  if found then
    update public.token_budgets t set amount = t.amount + p_amount where t.id = bud.id returning t.* into bud;
  else
    insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount, period_start, time_zone)
    values (p_identity, p_scope_type, p_scope_id, 'monthly', p_amount,
            date_trunc('month', now() at time zone tz) at time zone tz, tz)
    returning * into bud;
  end if;
  if p_scope_type = 'thread' then
    update public.threads t set token_budget = t.token_budget + p_amount
    where t.id = p_scope_id and t.token_budget is not null;
  end if;

  insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type, reference_id)
  values (p_identity, 'allocate', p_idempotency_key, req_hash, 'allocation', alloc_id)
  returning * into mv;
  insert into public.token_allocations
    (id, identity_id, from_account_id, to_scope_type, to_scope_id, amount, movement_id, budget_id)
  values (alloc_id, p_identity, acc.id, p_scope_type, p_scope_id, p_amount, mv.id, bud.id)
  returning * into alloc;
  perform private.audit(p_identity, 'ledger.allocate', 'token_allocation', alloc.id,
    jsonb_build_object('amount', p_amount, 'scope_type', p_scope_type, 'scope_id', p_scope_id,
                       'budget_id', bud.id, 'budget_amount', bud.amount, 'movement_id', mv.id));
  return alloc;
end;
$$;
grant execute on function private.ledger_allocate(p_identity uuid, p_scope_type text, p_scope_id uuid, p_amount bigint, p_idempotency_key text) to service_role;

/**
 * The budgets that apply to new usage by `p_identity` in `p_scopes` (sphere, domain, dataspace,
 * thread; the identity's own always): the payer's own budgets of those scopes, and the PLACE's
 * budgets, the dataspace's and the thread's, whoever set them. Ids in the ledger's lock order.
 * Security invoker: as a signed-in user (the run estimate) RLS decides which budgets it sees.
 */
create function private.ledger_budget_ids(p_identity uuid, p_scopes jsonb)
 returns uuid[]
 language plpgsql
 stable
 set search_path to ''
as $$
begin
  return (
    select coalesce(array_agg(t.id order by t.id), '{}')
    from public.token_budgets t
    where (t.identity_id = p_identity or t.scope_type in ('dataspace', 'thread'))
      and (t.scope_type, t.scope_id) in (
        select s.key, s.value::uuid
        from jsonb_each_text(coalesce(p_scopes, '{}') || jsonb_build_object('identity', p_identity)) s));
end;
$$;
grant execute on function private.ledger_budget_ids(p_identity uuid, p_scopes jsonb) to authenticated, service_role;

/**
 * Decides and charges new usage under the ledger's locks. The caller holds `p_identity`'s account
 * lock and passes its available balance; this locks the applicable budgets (private.ledger_budget_ids,
 * id order, read once through public.token_budgets_now) and the thread whose cap applies, in the
 * ledger's lock order (account, budgets, thread); asks private.ledger_verdict about those rows and
 * raises its refusal (private.ledger_refuse); then charges `p_spend` spent and `p_hold` held to the
 * budgets (in their current period: a calendar period that began since the last charge starts from
 * 0) and to the thread's counters. Null `p_scopes`: the balance only, nothing charged (transfers,
 * allocations). Returns the charged budgets' ids.
 */
create function private.ledger_charge(p_identity uuid, p_available bigint, p_amount bigint, p_scopes jsonb, p_thread uuid, p_spend bigint, p_hold bigint)
 returns uuid[]
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  budgets private.ledger_budget[];
  ids uuid[] := '{}';
  verdict jsonb;
  thread_id uuid := coalesce(p_thread, (p_scopes ->> 'thread')::uuid);
begin
  if p_scopes is not null then
    ids := private.ledger_budget_ids(p_identity, p_scopes);
    if cardinality(ids) > 0 then
      select array_agg(row(l.id, l.scope_type, l.scope_id, l.period, l.amount, l.spent_now, l.reserved,
                           l.current_start, l.ended, l.period_end)::private.ledger_budget order by l.id)
      into budgets
      from (select t.id, t.scope_type, t.scope_id, t.period, t.amount, t.spent_now, t.reserved, t.current_start,
                   t.ended, t.period_end
            from public.token_budgets_now t where t.id = any(ids) order by t.id for update) l;
    end if;
    if thread_id is not null then
      -- the lock the thread's counter update takes (messages may still reference the thread)
      perform 1 from public.threads t where t.id = thread_id for no key update;
    end if;
  end if;
  verdict := private.ledger_verdict(p_identity, p_amount, p_scopes, p_thread, coalesce(budgets, '{}'), p_available);
  if verdict is not null then
    perform private.ledger_refuse(verdict);
  end if;
  if p_scopes is null then
    return ids;
  end if;
  if budgets is not null then
    update public.token_budgets t
    set spent = b.spent_now + p_spend, reserved = t.reserved + p_hold, period_start = b.current_start
    from unnest(budgets) b
    where t.id = b.id;
  end if;
  if thread_id is not null then
    perform private.ledger_charge_thread(thread_id, p_spend, p_hold);
  end if;
  return array(select b.id from unnest(budgets) b order by b.id);
end;
$$;

/**
 * Adds `p_spend` to a thread's consumption and `p_hold` to its holds (negative: released). Never
 * refuses: new usage was decided by private.ledger_charge, and settling a hold is never refused.
 */
create function private.ledger_charge_thread(p_thread uuid, p_spend bigint, p_hold bigint)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  update public.threads t
  set tokens_consumed = t.tokens_consumed + p_spend, tokens_reserved = t.tokens_reserved + p_hold
  where t.id = p_thread;
end;
$$;

/**
 * Step "settle" of the pipeline: commits what a run used (at most the held amount) to the provider
 * and releases the rest, exactly once. A replay with the same key returns the reservation.
 */
create function private.ledger_commit(p_reservation uuid, p_actual bigint, p_idempotency_key text)
 returns public.token_reservations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  res public.token_reservations;
  mv public.token_movements;
  req_hash text := private.ledger_request_hash(jsonb_build_object(
    'op', 'commit', 'reservation', p_reservation, 'actual', p_actual));
begin
  if p_actual is null or p_actual < 0 then
    raise exception 'committed amount must not be negative' using errcode = '22023';
  end if;
  res := private.ledger_lock_reservation(p_reservation);
  mv := private.ledger_replay(res.identity_id, p_idempotency_key, req_hash);
  if mv.id is not null then
    return res;
  end if;
  if res.status <> 'open' then
    raise exception 'reservation % is already %', res.id, res.status using errcode = '55000';
  end if;
  if p_actual > res.amount then
    raise exception 'cannot commit % of a % reservation', p_actual, res.amount using errcode = '22023';
  end if;
  return private.ledger_settle(res, p_actual, 'commit', 'committed', p_idempotency_key, req_hash);
end;
$$;
grant execute on function private.ledger_commit(p_reservation uuid, p_actual bigint, p_idempotency_key text) to service_role;

/**
 * Issues `p_amount` new tokens to an identity from the system mint (a plan grant when the reference
 * is a plan). A replay of the same request returns the first movement.
 */
create function private.ledger_credit(p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid)
 returns public.token_movements
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  req_hash text := private.ledger_request_hash(jsonb_build_object(
    'op', 'credit', 'identity', p_identity, 'amount', p_amount, 'reference_type', p_reference_type,
    'reference_id', p_reference_id));
  acc public.token_accounts;
  sys public.token_accounts;
  mv public.token_movements;
begin
  if p_amount is null or p_amount <= 0 then
    raise exception 'credit amount must be positive' using errcode = '22023';
  end if;
  acc := private.ledger_lock_account(p_identity);
  mv := private.ledger_replay(p_identity, p_idempotency_key, req_hash);
  if mv.id is not null then
    return mv;
  end if;
  update public.token_accounts a
  set balance = a.balance + p_amount, lifetime_earned = a.lifetime_earned + p_amount
  where a.id = acc.id returning a.* into acc;
  sys := private.ledger_touch_system('system_mint', -p_amount);
  insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type, reference_id)
  values (p_identity, case when p_reference_type = 'plan' then 'plan_grant' else 'credit' end,
          p_idempotency_key, req_hash, p_reference_type, p_reference_id)
  returning * into mv;
  insert into public.token_transactions
    (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type, reference_id)
  values
    (mv.id, sys.id, 'debit', -p_amount, sys.balance, 0, p_reference_type, p_reference_id),
    (mv.id, acc.id, 'credit', p_amount, acc.balance, acc.reserved, p_reference_type, p_reference_id);
  perform private.audit(p_identity, 'ledger.credit', 'token_movement', mv.id,
    jsonb_build_object('amount', p_amount, 'reference_type', p_reference_type, 'reference_id', p_reference_id));
  return mv;
end;
$$;
grant execute on function private.ledger_credit(p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid) to service_role;

/**
 * Spends `p_amount` of an identity's available tokens at once, decided by private.ledger_charge
 * (balance, the budgets of `p_scopes`, the thread's own cap); counts the thread's consumption (the
 * reference thread or the `thread` scope) and pays the provider account. A replay of the same
 * request returns the first movement; the same key with a different request is refused (LD004).
 * Restated from 20261127080100 with the decision moved to private.ledger_charge.
 */
create function private.ledger_debit(p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid, p_scopes jsonb default '{}'::jsonb)
 returns public.token_movements
 language plpgsql
 security definer
 set search_path to ''
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
      perform private.ledger_key_reused(p_idempotency_key, mv);
    end if;
    return mv;
  end if;

  thread_id := case when p_reference_type = 'thread' then p_reference_id else (scopes ->> 'thread')::uuid end;
  budget_ids := private.ledger_charge(p_identity, acc_balance - acc_reserved, p_amount, scopes, thread_id, p_amount, 0);
  update public.token_accounts a
  set balance = a.balance - p_amount, lifetime_spent = a.lifetime_spent + p_amount
  where a.id = acc_id
  returning a.balance, a.reserved into acc_balance, acc_reserved;
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
grant execute on function private.ledger_debit(p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid, p_scopes jsonb) to service_role;

/**
 * Creates the missing shards 0..p_shards-1 of both system kinds (new shards start at zero, which
 * equals the sum of their postings). Run by the server at start, after the seed.
 */
create function private.ledger_ensure_system_shards(p_shards integer)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  if p_shards is null or p_shards < 1 or p_shards > 256 then
    raise exception 'system shards must be between 1 and 256, got %', p_shards using errcode = '22023';
  end if;
  insert into public.token_accounts (kind, shard)
  select k.kind, s.shard
  from (values ('system_mint'), ('system_provider')) k (kind), generate_series(0, p_shards - 1) s (shard)
  -- existing shards are skipped before the insert: a shard another transaction is updating would
  -- otherwise make the conflict check wait for it
  where not exists (select 1 from public.token_accounts a where a.kind = k.kind and a.shard = s.shard
                    and a.kind <> 'identity')
  on conflict (kind, shard) where kind <> 'identity' do nothing;
end;
$$;
grant execute on function private.ledger_ensure_system_shards(p_shards integer) to service_role;

/** Kept for callers of the first version: the default number of shards. */
create function private.ledger_ensure_system_accounts()
 returns void
 language sql
 security definer
 set search_path to ''
as $$
  select private.ledger_ensure_system_shards(16)
$$;
grant execute on function private.ledger_ensure_system_accounts() to service_role;

/**
 * The sweeper the server runs: voids every open reservation past `expires_at` (status 'expired',
 * its hold returned) and returns how many it voided. Safe to run concurrently with itself and with
 * commits: each reservation is re-checked under its locks.
 */
create function private.ledger_expire_sweep()
 returns integer
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  rid uuid;
  res public.token_reservations;
  n integer := 0;
begin
  for rid in
    select r.id from public.token_reservations r where r.status = 'open' and r.expires_at <= now()
    -- accounts in id order, like every other writer
    order by r.account_id, r.id
  loop
    res := private.ledger_lock_reservation(rid);
    if res.status = 'open' and res.expires_at <= now() then
      perform private.ledger_settle(res, 0, 'expire', 'expired', null, null);
      n := n + 1;
    end if;
  end loop;
  return n;
end;
$$;
grant execute on function private.ledger_expire_sweep() to service_role;

/** The refusal of an idempotency key sent again with a different request (LD004). */
create function private.ledger_key_reused(p_key text, p_movement public.token_movements)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  perform private.ledger_refuse(jsonb_build_object(
    'code', 'idempotency_key_reused',
    'message', format('idempotency key reused with a different request: %s', p_key),
    'key', p_key, 'movement_id', p_movement.id, 'kind', p_movement.kind));
end;
$$;

/** Locks and returns an identity's account, refusing when the identity has none. */
create function private.ledger_lock_account(p_identity uuid)
 returns public.token_accounts
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  acc public.token_accounts;
begin
  select a.* into acc from public.token_accounts a
  where a.identity_id = p_identity and a.kind = 'identity'
  for update;
  if not found then
    raise exception 'no token account for identity %', p_identity using errcode = 'P0002';
  end if;
  return acc;
end;
$$;

/**
 * Locks a reservation's account (the fixed order: account, then reservation) and returns the
 * reservation as it is under that lock. Refuses an unknown reservation. Every writer of a
 * reservation holds its account lock, so the row read here cannot change before the caller's update;
 * the settling update's `status = 'open'` guard holds regardless.
 */
create function private.ledger_lock_reservation(p_reservation uuid)
 returns public.token_reservations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  res public.token_reservations;
begin
  perform 1 from public.token_accounts a
  where a.id = (select r.account_id from public.token_reservations r where r.id = p_reservation)
  for update;
  if not found then
    raise exception 'no reservation %', p_reservation using errcode = 'P0002';
  end if;
  select r.* into res from public.token_reservations r where r.id = p_reservation;
  return res;
end;
$$;

/**
 * Raises a refusal (a verdict, or another ledger refusal built the same way) with its own SQLSTATE
 * and the refusal itself as the JSON detail; server/ledger/ledgerErrors.ts maps the SQLSTATE.
 */
create function private.ledger_refuse(p_refusal jsonb)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  raise exception using
    message = p_refusal ->> 'message',
    detail = p_refusal::text,
    errcode = case p_refusal ->> 'code'
                when 'insufficient_balance' then 'LD001'
                when 'budget_exceeded' then 'LD002'
                when 'budget_ended' then 'LD003'
                when 'idempotency_key_reused' then 'LD004'
                else 'XX000'
              end;
end;
$$;

/** Journal entries and postings are append-only: a correction is a new movement. */
create function private.ledger_refuse_change()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
begin
  raise exception '% is append-only: % refused', tg_table_name, tg_op using errcode = '42501';
end;
$$;

/** Ends a run that spent nothing (or failed): its whole hold returns, exactly once. */
create function private.ledger_release(p_reservation uuid, p_idempotency_key text)
 returns public.token_reservations
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  res public.token_reservations;
  mv public.token_movements;
  req_hash text := private.ledger_request_hash(jsonb_build_object('op', 'release', 'reservation', p_reservation));
begin
  res := private.ledger_lock_reservation(p_reservation);
  mv := private.ledger_replay(res.identity_id, p_idempotency_key, req_hash);
  if mv.id is not null then
    return res;
  end if;
  if res.status <> 'open' then
    raise exception 'reservation % is already %', res.id, res.status using errcode = '55000';
  end if;
  return private.ledger_settle(res, 0, 'release', 'released', p_idempotency_key, req_hash);
end;
$$;
grant execute on function private.ledger_release(p_reservation uuid, p_idempotency_key text) to service_role;

/**
 * The first movement recorded under an identity's idempotency key, when its request hash matches;
 * null when the key is new; the key sent with a different request is refused (LD004).
 */
create function private.ledger_replay(p_identity uuid, p_key text, p_hash text)
 returns public.token_movements
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  mv public.token_movements;
begin
  if p_key is null or length(p_key) = 0 then
    raise exception 'an idempotency key is required' using errcode = '22023';
  end if;
  select m.* into mv from public.token_movements m
  where m.identity_id = p_identity and m.idempotency_key = p_key;
  if not found then
    return null;
  end if;
  if mv.request_hash is distinct from p_hash then
    perform private.ledger_key_reused(p_key, mv);
  end if;
  return mv;
end;
$$;

/** The request fingerprint an idempotency key is bound to: sha256 of the canonical jsonb text. */
create function private.ledger_request_hash(p_request jsonb)
 returns text
 language plpgsql
 immutable
 set search_path to ''
as $$
begin
  return encode(sha256(convert_to(p_request::text, 'UTF8')), 'hex');
end;
$$;

/**
 * Holds `p_amount` of an identity's available tokens for `p_ttl` against the budgets of
 * `p_scopes` and the thread's own cap, decided by private.ledger_charge. Restated from
 * 20261127080100 with the decision moved there; same locks, same answers, refusals by SQLSTATE.
 */
create function private.ledger_reserve(p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid, p_ttl interval, p_scopes jsonb)
 returns public.token_reservations
 language plpgsql
 security definer
 set search_path to ''
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
  thread_id uuid;
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
      perform private.ledger_key_reused(p_idempotency_key, mv);
    end if;
    return res;
  end if;

  thread_id := case when p_reference_type = 'thread' then p_reference_id else (scopes ->> 'thread')::uuid end;
  budget_ids := private.ledger_charge(p_identity, acc_balance - acc_reserved, p_amount, scopes, thread_id, 0, p_amount);
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
grant execute on function private.ledger_reserve(p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid, p_ttl interval, p_scopes jsonb) to service_role;

/**
 * Validates a budget scope object (`{"identity"|"sphere"|"domain"|"dataspace"|"thread": uuid}`) for
 * `p_identity` and returns it with the identity's own scope added (the identity budget always
 * applies). Refuses unknown keys, non-uuid values and another identity's scope.
 */
create function private.ledger_scopes(p_identity uuid, p_scopes jsonb)
 returns jsonb
 language plpgsql
 immutable
 set search_path to ''
as $$
declare
  scopes jsonb := coalesce(p_scopes, '{}'::jsonb);
  k text;
begin
  if jsonb_typeof(scopes) <> 'object' then
    raise exception 'budget scopes must be a json object' using errcode = '22023';
  end if;
  for k in select jsonb_object_keys(scopes) loop
    if k not in ('identity', 'sphere', 'domain', 'dataspace', 'thread') then
      raise exception 'unknown budget scope: %', k using errcode = '22023';
    end if;
    if jsonb_typeof(scopes -> k) <> 'string'
        or (scopes ->> k) !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception 'budget scope % must be a uuid', k using errcode = '22023';
    end if;
  end loop;
  if scopes ? 'identity' and (scopes ->> 'identity')::uuid <> p_identity then
    raise exception 'identity scope % is not the spending identity %', scopes ->> 'identity', p_identity
      using errcode = '22023';
  end if;
  return scopes || jsonb_build_object('identity', p_identity);
end;
$$;

/**
 * Ends a locked open reservation: releases its hold, debits `p_actual` to the provider (commit
 * only), moves the charged budgets' hold to spent, counts the thread's consumption, and records one
 * movement. Internal to the ledger functions, which hold the account lock.
 */
create function private.ledger_settle(p_res public.token_reservations, p_actual bigint, p_kind text, p_status text, p_key text, p_hash text)
 returns public.token_reservations
 language plpgsql
 security definer
 set search_path to ''
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

/** A system kind's balance: the sum of its shards. */
create function private.ledger_system_balance(p_kind text)
 returns bigint
 language sql
 stable security definer
 set search_path to ''
as $$
  select coalesce(sum(a.balance), 0)::bigint from public.token_accounts a
  where a.kind = p_kind and a.kind <> 'identity'
$$;
grant execute on function private.ledger_system_balance(p_kind text) to service_role;

/**
 * Applies `p_delta` to one shard of a system account and returns the shard's id and new balance:
 * the first shard no other transaction holds (`skip locked`), else the shard this backend maps to.
 * Always the last lock a ledger function takes.
 */
create function private.ledger_system_shard(p_kind text, p_delta bigint, out shard_id uuid, out balance bigint)
 returns record
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  update public.token_accounts a
  set balance = a.balance + p_delta,
      lifetime_earned = a.lifetime_earned + greatest(p_delta, 0),
      lifetime_spent = a.lifetime_spent + greatest(-p_delta, 0)
  where a.id = (select s.id from public.token_accounts s
                where s.kind = p_kind and s.kind <> 'identity'
                order by s.shard
                limit 1
                for update skip locked)
  returning a.id, a.balance into shard_id, balance;
  if not found then
    select a.id, a.balance into shard_id, balance from private.ledger_touch_system(p_kind, p_delta) a;
  end if;
end;
$$;

/**
 * Applies `p_delta` to one shard of a system account and returns the updated row: the first shard
 * (in shard order) no other transaction holds, so an uncontended caller always gets shard 0; when
 * every shard is held, it waits for the one its backend maps to. Always the last lock a ledger
 * function takes, so waiting here cannot deadlock with the other writers.
 */
create function private.ledger_touch_system(p_kind text, p_delta bigint)
 returns public.token_accounts
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  acc public.token_accounts;
  n integer;
begin
  update public.token_accounts a
  set balance = a.balance + p_delta,
      lifetime_earned = a.lifetime_earned + greatest(p_delta, 0),
      lifetime_spent = a.lifetime_spent + greatest(-p_delta, 0)
  where a.id = (select s.id from public.token_accounts s
                where s.kind = p_kind and s.kind <> 'identity'
                order by s.shard
                limit 1
                for update skip locked)
  returning a.* into acc;
  if found then
    return acc;
  end if;
  select count(*) into n from public.token_accounts s where s.kind = p_kind and s.kind <> 'identity';
  if n = 0 then
    raise exception 'system account % is missing', p_kind using errcode = 'P0002';
  end if;
  update public.token_accounts a
  set balance = a.balance + p_delta,
      lifetime_earned = a.lifetime_earned + greatest(p_delta, 0),
      lifetime_spent = a.lifetime_spent + greatest(-p_delta, 0)
  where a.id = (select s.id from public.token_accounts s
                where s.kind = p_kind and s.kind <> 'identity'
                order by s.shard offset pg_backend_pid() % n limit 1)
  returning a.* into acc;
  return acc;
end;
$$;

/**
 * Moves `p_amount` available tokens between two identities' accounts (both locked in account id
 * order); the balance is decided by private.ledger_verdict (no budgets: nothing is spent). A replay
 * of the same request returns the first movement. Restated from 20261127002100 with that decision.
 */
create function private.ledger_transfer(p_from_identity uuid, p_to_identity uuid, p_amount bigint, p_idempotency_key text)
 returns public.token_movements
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  req_hash text := private.ledger_request_hash(jsonb_build_object(
    'op', 'transfer', 'from', p_from_identity, 'to', p_to_identity, 'amount', p_amount));
  src public.token_accounts;
  dst public.token_accounts;
  n integer;
  mv public.token_movements;
begin
  if p_amount is null or p_amount <= 0 then
    raise exception 'transfer amount must be positive' using errcode = '22023';
  end if;
  if p_from_identity = p_to_identity then
    raise exception 'cannot transfer to the same identity' using errcode = '22023';
  end if;
  perform 1 from public.token_accounts a
  where a.kind = 'identity' and a.identity_id in (p_from_identity, p_to_identity)
  order by a.id
  for update;
  get diagnostics n = row_count;
  if n <> 2 then
    raise exception 'no token account for identity %',
      case when exists (select 1 from public.token_accounts a where a.identity_id = p_from_identity)
           then p_to_identity else p_from_identity end
      using errcode = 'P0002';
  end if;
  mv := private.ledger_replay(p_from_identity, p_idempotency_key, req_hash);
  if mv.id is not null then
    return mv;
  end if;
  perform private.ledger_charge(p_from_identity, null, p_amount, null, null, 0, 0);
  update public.token_accounts a
  set balance = a.balance - p_amount, lifetime_spent = a.lifetime_spent + p_amount
  where a.identity_id = p_from_identity and a.kind = 'identity' returning a.* into src;
  update public.token_accounts a
  set balance = a.balance + p_amount, lifetime_earned = a.lifetime_earned + p_amount
  where a.identity_id = p_to_identity and a.kind = 'identity' returning a.* into dst;
  insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type)
  values (p_from_identity, 'transfer', p_idempotency_key, req_hash, 'manual')
  returning * into mv;
  insert into public.token_transactions
    (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type)
  values
    (mv.id, src.id, 'transfer', -p_amount, src.balance, src.reserved, 'manual'),
    (mv.id, dst.id, 'transfer', p_amount, dst.balance, dst.reserved, 'manual');
  perform private.audit(p_from_identity, 'ledger.transfer.out', 'token_movement', mv.id,
    jsonb_build_object('amount', p_amount, 'to_identity', p_to_identity));
  perform private.audit(p_to_identity, 'ledger.transfer.in', 'token_movement', mv.id,
    jsonb_build_object('amount', p_amount, 'from_identity', p_from_identity));
  return mv;
end;
$$;
grant execute on function private.ledger_transfer(p_from_identity uuid, p_to_identity uuid, p_amount bigint, p_idempotency_key text) to service_role;

/**
 * Whether the ledger would refuse `p_amount` tokens of new usage (a hold or a spend) by
 * `p_identity`, and why: null when it would accept, else the refusal as JSON
 * (`code`, `message`, `scope` {type, id}, and the figures). In order: the identity's available
 * balance (balance − reserved); with `p_scopes` (null: the balance only, as transfers and
 * allocations), the budgets that apply (private.ledger_budget_ids) in their current period
 * (public.token_budgets_now: ended, or spent now + held + amount over the amount), the narrowest
 * refusing scope first; then the own cap (`token_budget`) of the thread `p_thread` (default: the
 * `thread` scope) on what it consumed or holds. `p_budgets` and `p_available`: those budgets' rows
 * and the available balance when the caller already read them under lock (private.ledger_charge),
 * so a charge reads each row once.
 * Stable: private.ledger_charge calls it once the rows are locked; the run estimate selects it as the
 * user (security invoker: RLS decides what it reads, so another identity's account reads as none
 * and a budget the user cannot see does not apply).
 */
create function private.ledger_verdict(p_identity uuid, p_amount bigint, p_scopes jsonb, p_thread uuid default null::uuid, p_budgets private.ledger_budget[] default null::private.ledger_budget[], p_available bigint default null::bigint)
 returns jsonb
 language plpgsql
 stable
 set search_path to ''
as $$
declare
  available bigint;
  ids uuid[];
  b record;
  th record;
begin
  available := p_available;
  if available is null then
    select a.balance - a.reserved into available from public.token_accounts a
    where a.identity_id = p_identity and a.kind = 'identity';
    available := coalesce(available, 0);
  end if;
  if available < p_amount then
    return jsonb_build_object(
      'code', 'insufficient_balance',
      'message', format('insufficient balance: identity %s has %s available, %s requested',
                        p_identity, available, p_amount),
      'scope', jsonb_build_object('type', 'identity', 'id', p_identity),
      'available', available, 'requested', p_amount);
  end if;
  if p_scopes is null then
    return null;
  end if;
  if p_budgets is null then
    ids := private.ledger_budget_ids(p_identity, p_scopes);
  end if;

  select t.id, t.scope_type, t.scope_id, t.period, t.amount, t.spent_now + t.reserved as committed, t.ended,
         t.period_end
  into b
  from (select * from unnest(p_budgets) where p_budgets is not null
        union all
        select v.id, v.scope_type, v.scope_id, v.period, v.amount, v.spent_now, v.reserved, v.current_start, v.ended,
               v.period_end
        from public.token_budgets_now v where p_budgets is null and v.id = any(ids)) t
  where t.ended or (t.period <> 'unlimited' and t.spent_now + t.reserved + p_amount > t.amount)
  order by array_position(array['thread', 'dataspace', 'domain', 'sphere', 'identity'], t.scope_type), t.id
  limit 1;
  if b.id is not null and b.ended then
    return jsonb_build_object(
      'code', 'budget_ended',
      'message', format('budget ended: %s %s (project budget %s ended at %s)',
                        b.scope_type, b.scope_id, b.id, b.period_end),
      'scope', jsonb_build_object('type', b.scope_type, 'id', b.scope_id),
      'budget_id', b.id, 'period', b.period, 'ended_at', b.period_end, 'requested', p_amount);
  elsif b.id is not null then
    return jsonb_build_object(
      'code', 'budget_exceeded',
      'message', format('budget exceeded: %s %s (%s budget %s: %s of %s spent or held, %s requested)',
                        b.scope_type, b.scope_id, b.period, b.id, b.committed, b.amount, p_amount),
      'scope', jsonb_build_object('type', b.scope_type, 'id', b.scope_id),
      'budget_id', b.id, 'period', b.period, 'committed', b.committed, 'amount', b.amount,
      'requested', p_amount);
  end if;

  if coalesce(p_thread, (p_scopes ->> 'thread')::uuid) is null then
    return null;
  end if;
  select t.id, t.token_budget as cap, t.tokens_consumed + t.tokens_reserved as used into th
  from public.threads t
  where t.id = coalesce(p_thread, (p_scopes ->> 'thread')::uuid)
    and t.token_budget is not null and t.tokens_consumed + t.tokens_reserved + p_amount > t.token_budget;
  if th.id is not null then
    return jsonb_build_object(
      'code', 'budget_exceeded',
      'message', format('budget exceeded: thread %s (%s of %s consumed or held, %s requested)',
                        th.id, th.used, th.cap, p_amount),
      'scope', jsonb_build_object('type', 'thread', 'id', th.id),
      'cap', th.cap, 'committed', th.used, 'amount', th.cap, 'requested', p_amount);
  end if;
  return null;
end;
$$;
grant execute on function private.ledger_verdict(p_identity uuid, p_amount bigint, p_scopes jsonb, p_thread uuid, p_budgets private.ledger_budget[], p_available bigint) to authenticated, service_role;

/** Stamps a posting with its account's owner, so RLS shows it to exactly that identity. */
create function private.stamp_token_transaction_owner()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  select a.identity_id into new.identity_id from public.token_accounts a where a.id = new.account_id;
  return new;
end;
$$;

/**
 * A reservation resolves at most once, whatever code runs: once committed, released or expired,
 * its status, amounts and resolution time are frozen.
 */
create function private.token_reservation_resolve_once()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
begin
  if old.status <> 'open' and (new.status, new.committed_amount, new.amount, new.resolved_at, new.account_id)
      is distinct from (old.status, old.committed_amount, old.amount, old.resolved_at, old.account_id) then
    raise exception 'reservation % is already %', old.id, old.status using errcode = '55000';
  end if;
  return new;
end;
$$;
