/**
 * A budget as of now, in one place. Calendar periods (daily, weekly, monthly, aligned in the
 * budget's time zone) roll over lazily: the row keeps the last period's `spent` and `period_start`
 * until the next charge starts the new period. The ledger applied that rule when charging, but the
 * readers showed the stored columns: after midnight a daily budget still read "99% used" in
 * `GET /tokens/budgets` and Nova warned that it was running low while the ledger would accept the
 * whole amount, and the run estimate restated the rule in its own query.
 * `public.token_budgets_now` states it once (security invoker: RLS of token_budgets applies):
 * - `current_start`: the start of the period in force now (a calendar period that began after
 *   `period_start` starts now; other periods keep `period_start`);
 * - `spent_now`: `spent` if that period is the stored one, else 0 (holds carry over: `reserved`);
 * - `ended`: a project budget past its end;
 * - `remaining`: what may still be spent or held (null when unlimited).
 * The ledger's budget charge, the budgets API, the run estimate and Nova read it.
 */
create view public.token_budgets_now with (security_invoker = true) as
select b.id, b.identity_id, b.scope_type, b.scope_id, b.period, b.amount, b.spent, b.reserved, b.period_start,
       b.period_end, b.time_zone, b.created_at, b.updated_at,
       p.current_start,
       case when p.current_start > b.period_start then 0 else b.spent end as spent_now,
       (b.period = 'project' and now() >= b.period_end) as ended,
       case when b.period = 'unlimited' then null
            else greatest(b.amount - b.reserved - case when p.current_start > b.period_start then 0 else b.spent end, 0)
       end as remaining
from public.token_budgets b
cross join lateral (
  select case when b.period in ('daily', 'weekly', 'monthly')
              then greatest(b.period_start,
                            date_trunc(case b.period when 'daily' then 'day' when 'weekly' then 'week' else 'month' end,
                                       now() at time zone b.time_zone) at time zone b.time_zone)
              else b.period_start end as current_start
) p;
revoke all on public.token_budgets_now from anon, authenticated;
grant select on public.token_budgets_now to authenticated;
grant all on public.token_budgets_now to service_role;

/**
 * Charges every budget of `p_identity` whose scope is in `p_scopes`: `p_spend` as spent and `p_hold`
 * as reserved. Locks them in id order, starts the period in force (`token_budgets_now`) when a new
 * one began (spending starts over, holds carry on), then updates them all in one statement.
 * Returns the ids of the charged budgets. Callers hold the identity's account lock.
 * When several budgets refuse, the refusal names the narrowest scope (thread, dataspace, domain,
 * sphere, identity), where the first version named the first in id order: random ids made the
 * named scope a coin toss between, say, a thread and its dataspace. Same rules and messages
 * otherwise; the period now comes from the view.
 */
create or replace function private.ledger_charge_budgets(p_identity uuid, p_scopes jsonb, p_spend bigint, p_hold bigint)
returns uuid[]
language plpgsql security definer
set search_path = ''
as $$
declare
  b record;
  refused record;
  refusing boolean := false;
  narrow constant text[] := array['thread', 'dataspace', 'domain', 'sphere', 'identity'];
  ids uuid[] := '{}';
  spents bigint[] := '{}';
  starts timestamptz[] := '{}';
begin
  for b in
    select t.id, t.scope_type, t.scope_id, t.period, t.amount, t.spent_now, t.reserved, t.current_start,
           t.period_end, t.ended
    from public.token_budgets_now t
    where t.identity_id = p_identity
      and (t.scope_type, t.scope_id) in (select s.key, s.value::uuid from jsonb_each_text(p_scopes) s)
    order by t.id
    for update
  loop
    if b.ended or (b.period <> 'unlimited' and b.spent_now + b.reserved + p_spend + p_hold > b.amount) then
      if not refusing then
        refused := b;
        refusing := true;
      elsif array_position(narrow, b.scope_type::text) < array_position(narrow, refused.scope_type::text) then
        refused := b;
      end if;
    end if;
    ids := ids || b.id;
    spents := spents || (b.spent_now + p_spend);
    starts := starts || b.current_start;
  end loop;
  if refusing then
    if refused.ended then
      raise exception 'budget ended: % %', refused.scope_type, refused.scope_id
        using errcode = 'P0001', detail = format('project budget %s ended at %s', refused.id, refused.period_end);
    end if;
    raise exception 'budget exceeded: % %', refused.scope_type, refused.scope_id
      using errcode = 'P0001',
            detail = format('budget %s (%s): %s of %s spent or held, %s requested',
                            refused.id, refused.period, refused.spent_now + refused.reserved, refused.amount,
                            p_spend + p_hold);
  end if;
  if cardinality(ids) > 0 then
    update public.token_budgets t
    set spent = u.spent, reserved = t.reserved + p_hold, period_start = u.period_start
    from unnest(ids, spents, starts) u (id, spent, period_start)
    where t.id = u.id;
  end if;
  return ids;
end;
$$;

/** Nova's "budget running low" reads the period in force: a budget that rolled over is not low. */
create or replace function public.nova_refresh(
  p_session_id text, p_sphere_id uuid default null, p_dataspace_id uuid default null
) returns public.nova_contexts
language plpgsql security invoker
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  ctx public.nova_contexts;
  v_sphere uuid;
  v_dataspace uuid;
  suggestions jsonb;
  s jsonb;
begin
  if active is null then
    raise exception 'Nova needs an active identity' using errcode = '42501';
  end if;
  if p_session_id is null or length(p_session_id) not between 1 and 200 then
    raise exception 'a session id of 1 to 200 characters is required' using errcode = '22023';
  end if;
  select c.* into ctx from public.nova_contexts c where c.identity_id = active and c.session_id = p_session_id;
  v_sphere := coalesce(p_sphere_id, ctx.current_sphere_id);
  v_dataspace := coalesce(p_dataspace_id, ctx.current_dataspace_id);
  if p_dataspace_id is not null then
    select d.sphere_id into v_sphere from public.dataspaces d where d.id = p_dataspace_id and d.identity_id = active;
    if not found then
      raise exception 'no dataspace % for the active identity', p_dataspace_id using errcode = 'P0002';
    end if;
    if p_sphere_id is not null and p_sphere_id <> v_sphere then
      raise exception 'dataspace % is not in sphere %', p_dataspace_id, p_sphere_id using errcode = '22023';
    end if;
  elsif p_sphere_id is not null then
    if not exists (select 1 from public.spheres x where x.id = p_sphere_id and x.identity_id = active) then
      raise exception 'no sphere % for the active identity', p_sphere_id using errcode = 'P0002';
    end if;
    -- a new sphere leaves the dataspace of another one
    if v_dataspace is not null and not exists (
        select 1 from public.dataspaces d where d.id = v_dataspace and d.sphere_id = p_sphere_id) then
      v_dataspace := null;
    end if;
  end if;

  with place as (
    -- the dataspaces in view: the current one, else the current sphere's, else all of the identity's
    select d.id from public.dataspaces d
    where d.identity_id = active and d.archived_at is null
      and (v_dataspace is null or d.id = v_dataspace)
      and (v_sphere is null or d.sphere_id = v_sphere)
  ),
  budget_low as (
    select jsonb_build_object(
      'id', 'budget_low:' || b.id, 'kind', 'budget_low', 'entity_type', 'token_budget', 'entity_id', b.id,
      'severity', case when b.spent_now + b.reserved >= b.amount * 0.95 then 'high' else 'medium' end,
      'title', format('%s budget %s%% used', initcap(b.scope_type), floor(100.0 * (b.spent_now + b.reserved) / b.amount)),
      'data', jsonb_build_object('scope_type', b.scope_type, 'scope_id', b.scope_id, 'amount', b.amount,
                                 'used', b.spent_now + b.reserved, 'period', b.period)) as s,
      1 as rank, (b.spent_now + b.reserved)::numeric / b.amount as weight
    from public.token_budgets_now b
    where b.identity_id = active and b.period <> 'unlimited' and b.amount > 0
      and b.spent_now + b.reserved >= b.amount * 0.8
      and (b.scope_type = 'identity'
           or (b.scope_type = 'sphere' and (v_sphere is null or b.scope_id = v_sphere))
           or (b.scope_type = 'dataspace' and b.scope_id in (select id from place))
           or (b.scope_type = 'thread' and b.scope_id in (select t.id from public.threads t
                                                         where t.dataspace_id in (select id from place)))
           or (b.scope_type = 'domain' and v_dataspace is null))
  ),
  unowned as (
    select jsonb_build_object(
      'id', 'unowned_tasks:' || m.id, 'kind', 'unowned_tasks', 'entity_type', 'meeting', 'entity_id', m.id,
      'severity', 'medium', 'title', format('%s task(s) without an owner in "%s"', count(*), m.title),
      'data', jsonb_build_object('task_ids', jsonb_agg(k.id order by k.created_at))) as s,
      2 as rank, count(*)::numeric as weight
    from public.meeting_tasks k join public.meetings m on m.id = k.meeting_id
    where k.identity_id = active and k.assignee_participant_id is null and k.status in ('open', 'in_progress')
      and m.dataspace_id in (select id from place)
    group by m.id, m.title
  ),
  stale as (
    select jsonb_build_object(
      'id', 'stale_thread:' || t.id, 'kind', 'stale_thread', 'entity_type', 'thread', 'entity_id', t.id,
      'severity', 'low', 'title', format('"%s" has been quiet for %s days', t.title,
                                         extract(day from now() - t.last_activity_at)::int),
      'data', jsonb_build_object('last_activity_at', t.last_activity_at)) as s,
      3 as rank, extract(epoch from now() - t.last_activity_at)::numeric as weight
    from public.threads t
    where t.identity_id = active and t.status = 'open' and t.last_activity_at < now() - interval '14 days'
      and t.dataspace_id in (select id from place)
  )
  select coalesce(jsonb_agg(x.s order by x.rank, x.weight desc), '[]'::jsonb) into suggestions
  from (select * from budget_low union all select * from unowned union all select * from stale) x
  where ctx.id is null or not exists (
    select 1 from public.nova_guidance_history h
    where h.context_id = ctx.id and h.action = 'dismissed' and h.suggestion ->> 'id' = x.s ->> 'id'
      and h.created_at > now() - interval '7 days');

  insert into public.nova_contexts as c
    (identity_id, session_id, current_sphere_id, current_dataspace_id, context_state, active_suggestions)
  values (active, p_session_id, v_sphere, v_dataspace,
          jsonb_build_object('refreshed_at', now(), 'suggestion_count', jsonb_array_length(suggestions)),
          suggestions)
  on conflict (identity_id, session_id) do update
    set current_sphere_id = excluded.current_sphere_id, current_dataspace_id = excluded.current_dataspace_id,
        context_state = c.context_state || excluded.context_state,
        active_suggestions = excluded.active_suggestions
  returning c.* into ctx;

  for s in
    select n.value from jsonb_array_elements(suggestions) n
    where not exists (
      select 1 from public.nova_guidance_history h
      where h.context_id = ctx.id and h.action = 'shown' and h.suggestion ->> 'id' = n.value ->> 'id'
        and h.created_at > now() - interval '7 days')
  loop
    -- clock time, not transaction time: the history keeps the order things happened in
    insert into public.nova_guidance_history (identity_id, context_id, suggestion, action, created_at)
    values (active, ctx.id, s, 'shown', clock_timestamp());
  end loop;
  return ctx;
end;
$$;
