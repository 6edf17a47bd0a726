/**
 * Nova: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * The human acts on a suggestion: records 'accepted' or 'dismissed' in the guidance history and
 * takes it off the context's active suggestions. Refuses a suggestion the context does not show.
 */
create function public.nova_record_guidance(p_context_id uuid, p_suggestion_id text, p_action text)
 returns public.nova_guidance_history
 language plpgsql
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  ctx public.nova_contexts;
  v_suggestion jsonb;
  h public.nova_guidance_history;
begin
  if active is null then
    raise exception 'Nova needs an active identity' using errcode = '42501';
  end if;
  if p_action is null or p_action not in ('accepted', 'dismissed') then
    raise exception 'guidance action must be accepted or dismissed, not %', coalesce(p_action, 'null')
      using errcode = '22023';
  end if;
  select c.* into ctx from public.nova_contexts c where c.id = p_context_id and c.identity_id = active for update;
  if not found then
    raise exception 'no Nova context % for the active identity', p_context_id using errcode = 'P0002';
  end if;
  select n.value into v_suggestion from jsonb_array_elements(ctx.active_suggestions) n
  where n.value ->> 'id' = p_suggestion_id;
  if v_suggestion is null then
    raise exception 'Nova context % shows no suggestion %', p_context_id, p_suggestion_id using errcode = 'P0002';
  end if;
  insert into public.nova_guidance_history (identity_id, context_id, suggestion, action, created_at)
  values (active, ctx.id, v_suggestion, p_action, clock_timestamp())
  returning * into h;
  update public.nova_contexts c
  set active_suggestions = coalesce((select jsonb_agg(n.value order by n.ordinality)
                                     from jsonb_array_elements(c.active_suggestions) with ordinality n
                                     where n.value ->> 'id' <> p_suggestion_id), '[]'::jsonb)
  where c.id = ctx.id;
  return h;
end;
$$;
revoke all on function public.nova_record_guidance(p_context_id uuid, p_suggestion_id text, p_action text) from public, anon, authenticated;
grant execute on function public.nova_record_guidance(p_context_id uuid, p_suggestion_id text, p_action text) to authenticated;

/** Nova's "budget running low" reads the period in force: a budget that rolled over is not low. */
create function public.nova_refresh(p_session_id text, p_sphere_id uuid default null::uuid, p_dataspace_id uuid default null::uuid)
 returns public.nova_contexts
 language plpgsql
 set search_path to ''
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
revoke all on function public.nova_refresh(p_session_id text, p_sphere_id uuid, p_dataspace_id uuid) from public, anon, authenticated;
grant execute on function public.nova_refresh(p_session_id text, p_sphere_id uuid, p_dataspace_id uuid) to authenticated;
