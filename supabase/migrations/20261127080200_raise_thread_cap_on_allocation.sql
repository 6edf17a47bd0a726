/**
 * An allocation to a thread raises the thread's own cap too. `POST /tokens/allocate` moves tokens
 * into the thread's budget row (token_budgets), but since the ledger enforces `threads.token_budget`
 * (20261127080100) a capped thread would still refuse the allocated tokens. `private.ledger_allocate`
 * now raises a capped thread's `token_budget` by the amount, in the same transaction and once per
 * allocation (a replay returns before); an uncapped thread (null) stays uncapped. Restated from
 * 20261127020200 with that one change.
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
      raise exception 'idempotency key reused with a different request: %', p_idempotency_key
        using errcode = '22023';
    end if;
    return alloc;
  end if;
  if acc.balance - acc.reserved < p_amount then
    raise exception 'insufficient balance: identity % has % available, % requested',
      p_identity, acc.balance - acc.reserved, p_amount using errcode = 'P0001';
  end if;

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
