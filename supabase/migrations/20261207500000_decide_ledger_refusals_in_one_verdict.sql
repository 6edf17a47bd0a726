/**
 * One authority for the ledger's refusals (issue 18). Until now the refusal rules (available
 * balance, the narrowest refusing budget, a thread's own cap) were decided inside the charging
 * loops of private.ledger_charge_budgets and private.ledger_charge_thread, restated by the run
 * estimate in TypeScript, and reported as SQLSTATE P0001 with a message the server parsed by
 * regular expression. Now:
 * - `private.ledger_verdict` (stable) is the one place that decides whether new usage would be
 *   refused and why; the ledger's writers call it through `private.ledger_charge` once the rows are
 *   locked (then charge), the run estimate selects it;
 * - each refusal is raised with its own SQLSTATE (class LD) and the verdict as a JSON detail
 *   (`private.ledger_refuse`), so callers map a code, never a message:
 *     LD001 insufficient_balance, LD002 budget_exceeded, LD003 budget_ended,
 *     LD004 idempotency_key_reused (the same key sent with a different request);
 * - `private.ledger_charge_thread` only counts (settling a hold is never refused).
 * Messages say the same as before, with the figures the detail used to carry in words. Every
 * function here is plpgsql: Postgres 17 plans a `language sql` body again on each call, plpgsql keeps
 * its plans, and these run on every charge.
 */

/**
 * The budgets that apply to new usage by `p_identity` in `p_scopes` (sphere, domain, dataspace,
 * thread; the identity's own always): the payer's own budgets of those scopes, and the PLACE's
 * budgets, the dataspace's and the thread's, whoever set them. Ids in the ledger's lock order.
 * Security invoker: as a signed-in user (the run estimate) RLS decides which budgets it sees.
 */
create function private.ledger_budget_ids(p_identity uuid, p_scopes jsonb)
returns uuid[]
language plpgsql stable security invoker
set search_path = ''
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
revoke execute on function private.ledger_budget_ids(uuid, jsonb) from public, anon;
grant execute on function private.ledger_budget_ids(uuid, jsonb) to authenticated, service_role;

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
  current_start timestamptz,
  ended boolean,
  period_end timestamptz
);

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
create function private.ledger_verdict(
  p_identity uuid, p_amount bigint, p_scopes jsonb, p_thread uuid default null,
  p_budgets private.ledger_budget[] default null, p_available bigint default null
) returns jsonb
language plpgsql stable security invoker
set search_path = ''
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
revoke execute on function private.ledger_verdict(uuid, bigint, jsonb, uuid, private.ledger_budget[], bigint)
  from public, anon;
grant execute on function private.ledger_verdict(uuid, bigint, jsonb, uuid, private.ledger_budget[], bigint)
  to authenticated, service_role;

/**
 * Raises a refusal (a verdict, or another ledger refusal built the same way) with its own SQLSTATE
 * and the refusal itself as the JSON detail; server/ledger/ledgerErrors.ts maps the SQLSTATE.
 */
create function private.ledger_refuse(p_refusal jsonb)
returns void
language plpgsql security definer
set search_path = ''
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
revoke execute on function private.ledger_refuse(jsonb) from public, anon, authenticated;

/** The refusal of an idempotency key sent again with a different request (LD004). */
create function private.ledger_key_reused(p_key text, p_movement public.token_movements)
returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  perform private.ledger_refuse(jsonb_build_object(
    'code', 'idempotency_key_reused',
    'message', format('idempotency key reused with a different request: %s', p_key),
    'key', p_key, 'movement_id', p_movement.id, 'kind', p_movement.kind));
end;
$$;
revoke execute on function private.ledger_key_reused(text, public.token_movements) from public, anon, authenticated;

-- the charging functions no longer decide: private.ledger_charge asks private.ledger_verdict
drop function private.ledger_spend_budgets(uuid, jsonb, bigint);
drop function private.ledger_charge_budgets(uuid, jsonb, bigint, bigint);

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
create function private.ledger_charge(
  p_identity uuid, p_available bigint, p_amount bigint, p_scopes jsonb, p_thread uuid, p_spend bigint,
  p_hold bigint
) returns uuid[]
language plpgsql security definer
set search_path = ''
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
revoke execute on function private.ledger_charge(uuid, bigint, bigint, jsonb, uuid, bigint, bigint)
  from public, anon, authenticated;

/**
 * Adds `p_spend` to a thread's consumption and `p_hold` to its holds (negative: released). Never
 * refuses: new usage was decided by private.ledger_charge, and settling a hold is never refused.
 */
create or replace function private.ledger_charge_thread(p_thread uuid, p_spend bigint, p_hold bigint)
returns void
language plpgsql security definer
set search_path = ''
as $$
begin
  update public.threads t
  set tokens_consumed = t.tokens_consumed + p_spend, tokens_reserved = t.tokens_reserved + p_hold
  where t.id = p_thread;
end;
$$;

/**
 * The first movement recorded under an identity's idempotency key, when its request hash matches;
 * null when the key is new; the key sent with a different request is refused (LD004).
 */
create or replace function private.ledger_replay(p_identity uuid, p_key text, p_hash text)
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
    perform private.ledger_key_reused(p_key, mv);
  end if;
  return mv;
end;
$$;

/**
 * Holds `p_amount` of an identity's available tokens for `p_ttl` against the budgets of
 * `p_scopes` and the thread's own cap, decided by private.ledger_charge. Restated from
 * 20261127080100 with the decision moved there; same locks, same answers, refusals by SQLSTATE.
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

/**
 * Spends `p_amount` of an identity's available tokens at once, decided by private.ledger_charge
 * (balance, the budgets of `p_scopes`, the thread's own cap); counts the thread's consumption (the
 * reference thread or the `thread` scope) and pays the provider account. A replay of the same
 * request returns the first movement; the same key with a different request is refused (LD004).
 * Restated from 20261127080100 with the decision moved to private.ledger_charge.
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

/**
 * Moves `p_amount` available tokens between two identities' accounts (both locked in account id
 * order); the balance is decided by private.ledger_verdict (no budgets: nothing is spent). A replay
 * of the same request returns the first movement. Restated from 20261127002100 with that decision.
 */
create or replace function private.ledger_transfer(
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

/**
 * Moves `p_amount` of the owner's available tokens into a dataspace's or thread's budget (a
 * capped thread's own `token_budget` rises by the amount too); the balance is decided by
 * private.ledger_verdict (no budgets: the tokens are set aside, not spent). Restated from
 * 20261127080200 with that decision and the key's refusal (LD004).
 */
create or replace function private.ledger_allocate(
  p_identity uuid, p_scope_type text, p_scope_id uuid, p_amount bigint, p_idempotency_key text
) returns public.token_allocations
language plpgsql security definer
set search_path = ''
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

/**
 * Opens a run (one call), `p_identity` being the RUNNER: records the encoded intent and the run row
 * as the tenant's, reserves on the runner's account (private.ledger_reserve) and takes the scope
 * lock. A refusal of the reservation (LD001–LD003) comes back as a value, `refused`: its SQLSTATE,
 * message and the verdict as JSON (private.ledger_verdict), the run row kept for the caller to mark
 * refused. Restated from 20261206500400 with that answer.
 */
create or replace function private.pipeline_open(
  p_identity uuid, p_intent jsonb, p_run jsonb, p_amount bigint, p_reserve_key text, p_ttl_seconds integer,
  p_scopes jsonb, p_lock_dataspace_ids uuid[], p_lock_thread_ids uuid[]
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  intent_id uuid;
  exec_id uuid := (p_run ->> 'id')::uuid;
  tenant uuid;
  inserted uuid;
  res public.token_reservations;
  lock jsonb;
  msg text;
  det text;
  st text;
begin
  select d.identity_id into tenant from public.dataspaces d where d.id = (p_run ->> 'dataspace_id')::uuid;
  if tenant is null then
    raise exception 'pipeline_open: no dataspace %', p_run ->> 'dataspace_id' using errcode = 'P0002';
  end if;
  if tenant <> p_identity
     and coalesce(private.role_rank(private.dataspace_role((p_run ->> 'dataspace_id')::uuid, p_identity)), 0) < 2 then
    raise exception 'a run in a shared dataspace needs the participant role or above' using errcode = '42501';
  end if;
  insert into public.encoded_intents (identity_id, thread_id, profile_id, original_text, encoded, eqs, tokens_original,
                                      tokens_encoded)
  values (tenant, (p_intent ->> 'thread_id')::uuid, (p_intent ->> 'profile_id')::uuid, p_intent ->> 'original_text',
          p_intent -> 'encoded', (p_intent ->> 'eqs')::smallint, (p_intent ->> 'tokens_original')::integer,
          (p_intent ->> 'tokens_encoded')::integer)
  returning id into intent_id;
  insert into public.agent_executions (id, identity_id, runner_identity_id, user_id, agent_id, thread_id, dataspace_id,
                                       status, intent_text, task_type, encoded_intent_id, tokens_estimated,
                                       idempotency_key, request_hash, started_at, stages)
  values (exec_id, tenant, p_identity, (p_run ->> 'user_id')::uuid, (p_run ->> 'agent_id')::uuid,
          (p_run ->> 'thread_id')::uuid, (p_run ->> 'dataspace_id')::uuid, 'estimating', p_run ->> 'intent_text',
          p_run ->> 'task_type', intent_id, (p_run ->> 'tokens_estimated')::integer, p_run ->> 'idempotency_key',
          p_run ->> 'request_hash', (p_run ->> 'started_at')::timestamptz, p_run -> 'stages')
  on conflict (runner_identity_id, idempotency_key) do nothing
  returning id into inserted;
  if inserted is null then
    -- a run with this key exists: the whole call rolls back and the caller replays the first run
    raise exception 'pipeline_open: a run with idempotency key % exists', p_run ->> 'idempotency_key'
      using errcode = '23505';
  end if;

  if p_amount is not null then
    begin
      res := private.ledger_reserve(p_identity, p_amount, p_reserve_key, 'agent_execution', exec_id,
                                    make_interval(secs => p_ttl_seconds), p_scopes);
    exception when sqlstate 'LD001' or sqlstate 'LD002' or sqlstate 'LD003' then
      get stacked diagnostics st = returned_sqlstate, msg = message_text, det = pg_exception_detail;
      return jsonb_build_object('execution_id', exec_id,
                                'refused', jsonb_build_object('sqlstate', st, 'message', msg, 'detail', det::jsonb));
    end;
  end if;
  lock := private.scope_lock_acquire(tenant, exec_id, (p_run ->> 'thread_id')::uuid, p_lock_dataspace_ids,
                                     p_lock_thread_ids, p_identity);
  return jsonb_build_object('execution_id', exec_id, 'reservation_id', res.id, 'reserved', res.amount, 'lock', lock);
end;
$$;
