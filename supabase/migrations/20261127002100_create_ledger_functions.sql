/**
 * The ledger's writers (AM-001): reserve, commit, release, expire, credit and transfer. They are
 * the only code that changes balances. Each one takes its row locks in one fixed order (identity
 * accounts by id, then the reservation, then budgets by id, then threads, then the system account),
 * checks idempotency and limits only while holding those locks, and writes a balanced movement, so
 * no interleaving of callers can overspend or double-settle. Called by the server with the service
 * role only.
 */

/** The request fingerprint an idempotency key is bound to: sha256 of the canonical jsonb text. */
create function private.ledger_request_hash(p_request jsonb) returns text
language sql immutable
set search_path = ''
as $$
  select encode(sha256(convert_to(p_request::text, 'UTF8')), 'hex')
$$;

/**
 * Looks up an earlier movement of `p_identity` under `p_key`: returns it when the request is the
 * same (a replay), refuses when the key was used for a different request, null when the key is new.
 * Callers hold the identity's account lock, so two concurrent first calls cannot both miss it.
 */
create function private.ledger_replay(p_identity uuid, p_key text, p_hash text)
returns public.token_movements
language plpgsql stable security definer
set search_path = ''
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
    raise exception 'idempotency key reused with a different request: %', p_key
      using errcode = '22023', detail = format('the key was first used by movement %s (%s)', mv.id, mv.kind);
  end if;
  return mv;
end;
$$;

/** Locks and returns an identity's account, refusing when the identity has none. */
create function private.ledger_lock_account(p_identity uuid) returns public.token_accounts
language plpgsql security definer
set search_path = ''
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
 * Locks a system account ('system_mint' or 'system_provider') and applies `p_delta` to its balance,
 * returning the updated row. Always the last lock a ledger function takes.
 */
create function private.ledger_touch_system(p_kind text, p_delta bigint) returns public.token_accounts
language plpgsql security definer
set search_path = ''
as $$
declare
  acc public.token_accounts;
begin
  update public.token_accounts a
  set balance = a.balance + p_delta,
      lifetime_earned = a.lifetime_earned + greatest(p_delta, 0),
      lifetime_spent = a.lifetime_spent + greatest(-p_delta, 0)
  where a.kind = p_kind
  returning a.* into acc;
  if not found then
    raise exception 'system account % is missing', p_kind using errcode = 'P0002';
  end if;
  return acc;
end;
$$;

/**
 * A reservation resolves at most once, whatever code runs: once committed, released or expired,
 * its status, amounts and resolution time are frozen.
 */
create function private.token_reservation_resolve_once() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.status <> 'open' and (new.status, new.committed_amount, new.amount, new.resolved_at, new.account_id)
      is distinct from (old.status, old.committed_amount, old.amount, old.resolved_at, old.account_id) then
    raise exception 'reservation % is already %', old.id, old.status using errcode = '55000';
  end if;
  return new;
end;
$$;
create trigger token_reservations_resolve_once before update on public.token_reservations
  for each row execute function private.token_reservation_resolve_once();

/**
 * Step 5 of the pipeline: holds `p_amount` of the identity's available tokens for `p_ttl`, checked
 * against the balance and every budget of the scopes in `p_scopes` (identity, sphere, domain,
 * dataspace, thread; the identity's own budget always applies). Refuses with the scope that
 * refused. A replay of the same request returns the first reservation.
 */
create function private.ledger_reserve(
  p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid,
  p_ttl interval, p_scopes jsonb
) returns public.token_reservations
language plpgsql security definer
set search_path = ''
as $$
declare
  scopes jsonb := coalesce(p_scopes, '{}'::jsonb);
  req_hash text;
  acc public.token_accounts;
  mv public.token_movements;
  res public.token_reservations;
  b record;
  cur_start timestamptz;
  budget_ids uuid[] := '{}';
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

  acc := private.ledger_lock_account(p_identity);
  mv := private.ledger_replay(p_identity, p_idempotency_key, req_hash);
  if mv.id is not null then
    select r.* into res from public.token_reservations r where r.movement_id = mv.id;
    if not found then
      raise exception 'idempotency key reused with a different request: %', p_idempotency_key
        using errcode = '22023';
    end if;
    return res;
  end if;

  if acc.balance - acc.reserved < p_amount then
    raise exception 'insufficient balance: identity % has % available, % requested',
      p_identity, acc.balance - acc.reserved, p_amount using errcode = 'P0001';
  end if;

  -- every applicable budget, locked in id order
  for b in
    select t.* from public.token_budgets t
    where t.identity_id = p_identity
      and exists (select 1 from jsonb_each_text(scopes) s
                  where s.key = t.scope_type and s.value::uuid = t.scope_id)
    order by t.id
    for update
  loop
    if b.period in ('daily', 'weekly', 'monthly') then
      cur_start := date_trunc(case b.period when 'daily' then 'day' when 'weekly' then 'week' else 'month' end,
                              now() at time zone b.time_zone) at time zone b.time_zone;
      if cur_start > b.period_start then
        -- a new calendar period in the scope's time zone: spending starts over, holds carry on
        update public.token_budgets t set spent = 0, period_start = cur_start where t.id = b.id;
        b.spent := 0;
      end if;
    end if;
    if b.period = 'project' and now() >= b.period_end then
      raise exception 'budget ended: % %', b.scope_type, b.scope_id
        using errcode = 'P0001', detail = format('project budget %s ended at %s', b.id, b.period_end);
    end if;
    if b.period <> 'unlimited' and b.spent + b.reserved + p_amount > b.amount then
      raise exception 'budget exceeded: % %', b.scope_type, b.scope_id
        using errcode = 'P0001',
              detail = format('budget %s (%s): %s of %s spent or held, %s requested',
                              b.id, b.period, b.spent + b.reserved, b.amount, p_amount);
    end if;
    update public.token_budgets t set reserved = t.reserved + p_amount where t.id = b.id;
    budget_ids := budget_ids || b.id;
  end loop;

  update public.token_accounts a set reserved = a.reserved + p_amount where a.id = acc.id returning a.* into acc;
  insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type, reference_id)
  values (p_identity, 'reserve', p_idempotency_key, req_hash, p_reference_type, p_reference_id)
  returning * into mv;
  insert into public.token_transactions
    (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type, reference_id)
  values (mv.id, acc.id, 'reserve', p_amount, acc.balance, acc.reserved, p_reference_type, p_reference_id);
  insert into public.token_reservations
    (identity_id, account_id, movement_id, amount, expires_at, reference_type, reference_id, idempotency_key,
     budget_scopes)
  values (p_identity, acc.id, mv.id, p_amount, now() + p_ttl, p_reference_type, p_reference_id,
          p_idempotency_key, scopes || jsonb_build_object('budget_ids', to_jsonb(budget_ids)))
  returning * into res;
  perform private.audit(p_identity, 'ledger.reserve', 'token_reservation', res.id,
    jsonb_build_object('amount', p_amount, 'movement_id', mv.id, 'reference_type', p_reference_type,
                       'reference_id', p_reference_id, 'budget_ids', to_jsonb(budget_ids)));
  return res;
end;
$$;

/**
 * Ends a locked open reservation: releases its hold, debits `p_actual` to the provider (commit
 * only), moves the charged budgets' hold to spent, counts the thread's consumption, and records one
 * movement. Internal to the ledger functions, which hold the account and reservation locks.
 */
create function private.ledger_settle(
  p_res public.token_reservations, p_actual bigint, p_kind text, p_status text, p_key text, p_hash text
) returns public.token_reservations
language plpgsql security definer
set search_path = ''
as $$
declare
  acc public.token_accounts;
  sys public.token_accounts;
  mv public.token_movements;
  res public.token_reservations;
  thread_id uuid;
  budget_ids uuid[];
begin
  budget_ids := array(select (jsonb_array_elements_text(coalesce(p_res.budget_scopes -> 'budget_ids', '[]'::jsonb)))::uuid);
  perform 1 from public.token_budgets t where t.id = any(budget_ids) order by t.id for update;
  update public.token_budgets t
  set reserved = t.reserved - p_res.amount, spent = t.spent + p_actual
  where t.id = any(budget_ids);

  update public.token_accounts a
  set reserved = a.reserved - p_res.amount, balance = a.balance - p_actual,
      lifetime_spent = a.lifetime_spent + p_actual
  where a.id = p_res.account_id
  returning a.* into acc;

  insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type, reference_id)
  values (p_res.identity_id, p_kind, p_key, p_hash, p_res.reference_type, p_res.reference_id)
  returning * into mv;
  insert into public.token_transactions
    (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type, reference_id)
  values (mv.id, acc.id, 'release', -p_res.amount, acc.balance + p_actual, acc.reserved,
          p_res.reference_type, p_res.reference_id);

  if p_actual > 0 then
    thread_id := case when p_res.reference_type = 'thread' then p_res.reference_id
                      else (p_res.budget_scopes ->> 'thread')::uuid end;
    if thread_id is not null then
      update public.threads t set tokens_consumed = t.tokens_consumed + p_actual where t.id = thread_id;
    end if;
    sys := private.ledger_touch_system('system_provider', p_actual);
    insert into public.token_transactions
      (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type, reference_id)
    values
      (mv.id, acc.id, 'debit', -p_actual, acc.balance, acc.reserved, p_res.reference_type, p_res.reference_id),
      (mv.id, sys.id, 'credit', p_actual, sys.balance, 0, p_res.reference_type, p_res.reference_id);
  end if;

  update public.token_reservations r
  set status = p_status, committed_amount = p_actual, resolved_at = now()
  where r.id = p_res.id and r.status = 'open'
  returning r.* into res;
  if not found then
    raise exception 'reservation % is already resolved', p_res.id using errcode = '55000';
  end if;
  perform private.audit(p_res.identity_id, 'ledger.' || p_kind, 'token_reservation', p_res.id,
    jsonb_build_object('amount', p_res.amount, 'actual', p_actual, 'movement_id', mv.id, 'status', p_status));
  return res;
end;
$$;

/**
 * Locks a reservation's account then the reservation itself (the fixed order), returning it with
 * the account locked. Refuses an unknown reservation.
 */
create function private.ledger_lock_reservation(p_reservation uuid) returns public.token_reservations
language plpgsql security definer
set search_path = ''
as $$
declare
  res public.token_reservations;
begin
  select r.* into res from public.token_reservations r where r.id = p_reservation;
  if not found then
    raise exception 'no reservation %', p_reservation using errcode = 'P0002';
  end if;
  perform 1 from public.token_accounts a where a.id = res.account_id for update;
  select r.* into res from public.token_reservations r where r.id = p_reservation for update;
  return res;
end;
$$;

/**
 * Step "settle" of the pipeline: commits what a run used (at most the held amount) to the provider
 * and releases the rest, exactly once. A replay with the same key returns the reservation.
 */
create function private.ledger_commit(p_reservation uuid, p_actual bigint, p_idempotency_key text)
returns public.token_reservations
language plpgsql security definer
set search_path = ''
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

/** Ends a run that spent nothing (or failed): its whole hold returns, exactly once. */
create function private.ledger_release(p_reservation uuid, p_idempotency_key text)
returns public.token_reservations
language plpgsql security definer
set search_path = ''
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

/**
 * The sweeper the server runs: voids every open reservation past `expires_at` (status 'expired',
 * its hold returned) and returns how many it voided. Safe to run concurrently with itself and with
 * commits: each reservation is re-checked under its locks.
 */
create function private.ledger_expire_sweep() returns integer
language plpgsql security definer
set search_path = ''
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

/**
 * Issues `p_amount` new tokens to an identity from the system mint (a plan grant when the reference
 * is a plan). A replay of the same request returns the first movement.
 */
create function private.ledger_credit(
  p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid
) returns public.token_movements
language plpgsql security definer
set search_path = ''
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

/**
 * Moves `p_amount` available tokens between two identities' accounts (both locked in account id
 * order). A replay of the same request returns the first movement.
 */
create function private.ledger_transfer(
  p_from_identity uuid, p_to_identity uuid, p_amount bigint, p_idempotency_key text
) returns public.token_movements
language plpgsql security definer
set search_path = ''
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
  select a.* into src from public.token_accounts a where a.identity_id = p_from_identity;
  if src.balance - src.reserved < p_amount then
    raise exception 'insufficient balance: identity % has % available, % requested',
      p_from_identity, src.balance - src.reserved, p_amount using errcode = 'P0001';
  end if;
  update public.token_accounts a
  set balance = a.balance - p_amount, lifetime_spent = a.lifetime_spent + p_amount
  where a.id = src.id returning a.* into src;
  update public.token_accounts a
  set balance = a.balance + p_amount, lifetime_earned = a.lifetime_earned + p_amount
  where a.identity_id = p_to_identity returning a.* into dst;
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

revoke execute on function
  private.ledger_request_hash(jsonb),
  private.ledger_replay(uuid, text, text),
  private.ledger_lock_account(uuid),
  private.ledger_touch_system(text, bigint),
  private.token_reservation_resolve_once(),
  private.ledger_settle(public.token_reservations, bigint, text, text, text, text),
  private.ledger_lock_reservation(uuid),
  private.ledger_reserve(uuid, bigint, text, text, uuid, interval, jsonb),
  private.ledger_commit(uuid, bigint, text),
  private.ledger_release(uuid, text),
  private.ledger_expire_sweep(),
  private.ledger_credit(uuid, bigint, text, text, uuid),
  private.ledger_transfer(uuid, uuid, bigint, text)
from public, anon, authenticated;

-- the server calls the entry points with the service role; the helpers stay internal
grant execute on function
  private.ledger_reserve(uuid, bigint, text, text, uuid, interval, jsonb),
  private.ledger_commit(uuid, bigint, text),
  private.ledger_release(uuid, text),
  private.ledger_expire_sweep(),
  private.ledger_credit(uuid, bigint, text, text, uuid),
  private.ledger_transfer(uuid, uuid, bigint, text)
to service_role;
