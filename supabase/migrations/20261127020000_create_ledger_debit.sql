/**
 * Single-phase spending: a debit charges an identity's account and every applicable budget in one
 * call, for spending whose cost is known up front (no reserve/commit round trip). It keeps every
 * guarantee of the two-phase writers: idempotency key, budgets checked under their locks, the same
 * lock order (identity account, budgets by id, thread, system account last), one balanced movement
 * to the provider account, and an audit row.
 */

/**
 * Validates a budget scope object (`{"identity"|"sphere"|"domain"|"dataspace"|"thread": uuid}`) for
 * `p_identity` and returns it with the identity's own scope added (the identity budget always
 * applies). Refuses unknown keys, non-uuid values and another identity's scope.
 */
create function private.ledger_scopes(p_identity uuid, p_scopes jsonb) returns jsonb
language plpgsql immutable
set search_path = ''
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
 * Charges `p_amount` as spent to every budget of `p_identity` whose scope is in `p_scopes`, locking
 * them in id order, starting a new calendar period (in the budget's time zone) when one began, and
 * refusing with the scope that refused. Returns the ids of the charged budgets. Callers hold the
 * identity's account lock.
 */
create function private.ledger_spend_budgets(p_identity uuid, p_scopes jsonb, p_amount bigint)
returns uuid[]
language plpgsql security definer
set search_path = ''
as $$
declare
  b record;
  cur_start timestamptz;
  spent_now bigint;
  ids uuid[] := '{}';
begin
  for b in
    select t.* from public.token_budgets t
    where t.identity_id = p_identity
      and (t.scope_type, t.scope_id) in (select s.key, s.value::uuid from jsonb_each_text(p_scopes) s)
    order by t.id
    for update
  loop
    spent_now := b.spent;
    cur_start := b.period_start;
    if b.period in ('daily', 'weekly', 'monthly') then
      cur_start := date_trunc(case b.period when 'daily' then 'day' when 'weekly' then 'week' else 'month' end,
                              now() at time zone b.time_zone) at time zone b.time_zone;
      if cur_start > b.period_start then
        -- a new calendar period in the scope's time zone: spending starts over, holds carry on
        spent_now := 0;
      else
        cur_start := b.period_start;
      end if;
    end if;
    if b.period = 'project' and now() >= b.period_end then
      raise exception 'budget ended: % %', b.scope_type, b.scope_id
        using errcode = 'P0001', detail = format('project budget %s ended at %s', b.id, b.period_end);
    end if;
    if b.period <> 'unlimited' and spent_now + b.reserved + p_amount > b.amount then
      raise exception 'budget exceeded: % %', b.scope_type, b.scope_id
        using errcode = 'P0001',
              detail = format('budget %s (%s): %s of %s spent or held, %s requested',
                              b.id, b.period, spent_now + b.reserved, b.amount, p_amount);
    end if;
    update public.token_budgets t set spent = spent_now + p_amount, period_start = cur_start where t.id = b.id;
    ids := ids || b.id;
  end loop;
  return ids;
end;
$$;

/**
 * Spends `p_amount` of an identity's available tokens at once: checks the balance and every budget
 * of `p_scopes` (the identity's own always applies), counts a thread's consumption (the reference
 * thread or the `thread` scope) and pays the provider account. A replay of the same request returns
 * the first movement; the same key with a different request is refused.
 */
create function private.ledger_debit(
  p_identity uuid, p_amount bigint, p_idempotency_key text, p_reference_type text, p_reference_id uuid,
  p_scopes jsonb default '{}'::jsonb
) returns public.token_movements
language plpgsql security definer
set search_path = ''
as $$
declare
  scopes jsonb;
  req_hash text;
  acc public.token_accounts;
  sys public.token_accounts;
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

  acc := private.ledger_lock_account(p_identity);
  mv := private.ledger_replay(p_identity, p_idempotency_key, req_hash);
  if mv.id is not null then
    if mv.kind <> 'debit' then
      raise exception 'idempotency key reused with a different request: %', p_idempotency_key
        using errcode = '22023';
    end if;
    return mv;
  end if;
  if acc.balance - acc.reserved < p_amount then
    raise exception 'insufficient balance: identity % has % available, % requested',
      p_identity, acc.balance - acc.reserved, p_amount using errcode = 'P0001';
  end if;

  budget_ids := private.ledger_spend_budgets(p_identity, scopes, p_amount);
  update public.token_accounts a
  set balance = a.balance - p_amount, lifetime_spent = a.lifetime_spent + p_amount
  where a.id = acc.id
  returning a.* into acc;
  thread_id := case when p_reference_type = 'thread' then p_reference_id else (scopes ->> 'thread')::uuid end;
  if thread_id is not null then
    update public.threads t set tokens_consumed = t.tokens_consumed + p_amount where t.id = thread_id;
  end if;
  sys := private.ledger_touch_system('system_provider', p_amount);

  insert into public.token_movements (identity_id, kind, idempotency_key, request_hash, reference_type, reference_id)
  values (p_identity, 'debit', p_idempotency_key, req_hash, p_reference_type, p_reference_id)
  returning * into mv;
  insert into public.token_transactions
    (movement_id, account_id, type, amount, balance_after, reserved_after, reference_type, reference_id)
  values
    (mv.id, acc.id, 'debit', -p_amount, acc.balance, acc.reserved, p_reference_type, p_reference_id),
    (mv.id, sys.id, 'credit', p_amount, sys.balance, 0, p_reference_type, p_reference_id);
  perform private.audit(p_identity, 'ledger.debit', 'token_movement', mv.id,
    jsonb_build_object('amount', p_amount, 'reference_type', p_reference_type, 'reference_id', p_reference_id,
                       'budget_ids', to_jsonb(budget_ids)));
  return mv;
end;
$$;

revoke execute on function
  private.ledger_scopes(uuid, jsonb),
  private.ledger_spend_budgets(uuid, jsonb, bigint),
  private.ledger_debit(uuid, bigint, text, text, uuid, jsonb)
from public, anon, authenticated;
grant execute on function private.ledger_debit(uuid, bigint, text, text, uuid, jsonb) to service_role;
