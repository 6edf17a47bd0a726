/**
 * Plans grant their monthly tokens through the ledger (AM-010), and an owner earmarks tokens for a
 * dataspace or a thread (`POST /tokens/allocate`, AM-001). Both are ledger writers: they lock in the
 * ledger's fixed order (subscription, identity account, budgets by id, system account last), are
 * idempotent and leave an audit row.
 */

-- an allocation is a journal entry without postings: tokens stay in the account, earmarked by a budget
alter table public.token_movements drop constraint token_movements_kind_check;
alter table public.token_movements add constraint token_movements_kind_check
  check (kind in ('credit', 'debit', 'reserve', 'release', 'commit', 'transfer', 'plan_grant', 'expire', 'allocate'));

/**
 * Grants every active subscription the plan's monthly tokens for each monthly period (counted from
 * `current_period_start`, in the user's time zone for the period's date) that has begun and is not
 * granted yet, through private.ledger_credit from the mint. `plan_grants (subscription_id,
 * period_start)` is unique, the subscription row is locked first and the credit's idempotency key
 * names the period, so a period is granted exactly once however often and however concurrently the
 * job runs. Tokens go to the subscription's identity, or the user's default identity when it has
 * none (its account is opened when missing). Returns the number of grants made.
 */
create function private.ledger_grant_plans() returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  s record;
  target uuid;
  period_start timestamptz;
  period_date date;
  k integer;
  mv public.token_movements;
  n integer := 0;
begin
  for s in
    select us.id, us.user_id, us.identity_id, us.plan_id, us.current_period_start, us.current_period_end,
           p.monthly_tokens, u.time_zone
    from public.user_subscriptions us
    join public.subscription_plans p on p.id = us.plan_id
    join public.users u on u.id = us.user_id
    where us.status = 'active' and us.current_period_start <= now() and p.monthly_tokens > 0
    order by us.id
  loop
    -- serialises grant jobs per subscription; re-read its state under the lock
    perform 1 from public.user_subscriptions us
    where us.id = s.id and us.status = 'active' for update;
    continue when not found;
    target := coalesce(s.identity_id,
      (select i.id from public.identities i where i.user_id = s.user_id and i.is_default));
    continue when target is null;
    insert into public.token_accounts (kind, identity_id, user_id)
    values ('identity', target, s.user_id)
    on conflict do nothing;
    k := 0;
    loop
      period_start := s.current_period_start + make_interval(months => k);
      exit when period_start > now() or period_start >= s.current_period_end;
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
  end loop;
  return n;
end;
$$;

/**
 * `POST /tokens/allocate`: the owner of a dataspace or thread earmarks `p_amount` of an identity's
 * available tokens for it. Raises the scope's budget (the first of project, monthly, weekly, daily,
 * unlimited that exists; else a new monthly budget, calendar-aligned in the scope's sphere time
 * zone), records a token_allocations row and an 'allocate' journal entry (no postings: the tokens
 * stay in the account and the budget limits what the scope may spend of them), audited. A replay
 * returns the first allocation; the same key with another request is refused.
 */
create function private.ledger_allocate(
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
 * The client's entry point for `POST /tokens/allocate`: allocates from the request's ACTIVE
 * identity only (a forged or foreign identity claim resolves to none and is refused).
 */
create function public.allocate_tokens(
  p_scope_type text, p_scope_id uuid, p_amount bigint, p_idempotency_key text
) returns public.token_allocations
language plpgsql security definer
set search_path = ''
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

revoke execute on function
  private.ledger_grant_plans(),
  private.ledger_allocate(uuid, text, uuid, bigint, text),
  public.allocate_tokens(text, uuid, bigint, text)
from public, anon, authenticated;
grant execute on function
  private.ledger_grant_plans(),
  private.ledger_allocate(uuid, text, uuid, bigint, text)
to service_role;
grant execute on function public.allocate_tokens(text, uuid, bigint, text) to authenticated, service_role;
