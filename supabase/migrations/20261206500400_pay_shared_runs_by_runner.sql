/**
 * Shared spaces (issue 14), part 5: money. A governed run in a shared dataspace is paid by the
 * identity that runs it, while the budgets the owner set on the place still cap spending there:
 * - the run's rows (encoded intent, execution, scope lock, Backstage context, the agent's messages,
 *   decisions and memory proposals) belong to the TENANT (the dataspace owner), like all the
 *   dataspace's content; `agent_executions.runner_identity_id` records who ran it (and paid), and
 *   idempotency keys are the runner's: unique per (runner, key);
 * - the hold and the charge are on the RUNNER's account, checked against the runner's balance and
 *   its own identity budget, and against the budgets of the PLACE: the dataspace's and the
 *   thread's budgets (and its `threads.token_budget` cap), whoever set them. The owner's sphere and
 *   domain budgets are the owner's own spending limits and cap the owner's runs only: a run the
 *   owner makes charges identity, sphere, domain, dataspace and thread as before;
 * - a refusal names the refusing scope (`budget exceeded: dataspace <id>`), as before;
 * - only the owner and members with participant or above run agents there; a member's run never
 *   reads memory marked sensitive (the member cannot read it either).
 * `private.ledger_charge_budgets` changes one condition (which budgets apply); the pipeline's
 * phase functions are restated from 20261127060200 with the tenant/runner split.
 */

alter table public.agent_executions
  add column runner_identity_id uuid references public.identities (id) on delete set null;
update public.agent_executions set runner_identity_id = identity_id;
create index agent_executions_runner_identity_id_idx on public.agent_executions (runner_identity_id);
-- readable like the other columns (20261206500100 made the table's SELECT a column grant)
grant select (runner_identity_id) on table public.agent_executions to authenticated;
-- the key is the runner's: two members of one dataspace may use the same key
alter table public.agent_executions drop constraint agent_executions_identity_id_idempotency_key_key;
create unique index agent_executions_runner_idempotency_key_idx
  on public.agent_executions (runner_identity_id, idempotency_key);

/** A run without a runner named was run by its own identity (the owner's runs, the seed). */
create function private.default_runner() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.runner_identity_id := coalesce(new.runner_identity_id, new.identity_id);
  return new;
end;
$$;
revoke execute on function private.default_runner() from public, anon, authenticated;
create trigger agent_executions_default_runner before insert on public.agent_executions
  for each row execute function private.default_runner();

/**
 * Charges the budgets that apply to a spend by `p_identity` in `p_scopes`: the payer's own budgets
 * of those scopes (identity, and sphere/domain/dataspace/thread when the place is its own), and the
 * PLACE's budgets, the dataspace's and the thread's, whoever set them. Same locking, period and
 * refusal rules as 20261127080000 (the refusal names the narrowest refusing scope).
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
    where (t.identity_id = p_identity or t.scope_type in ('dataspace', 'thread'))
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

/**
 * Where a run would happen, for the run's validation reads (as the runner, under RLS): the
 * dataspace's owner, sphere and domain kinds (what agent matching needs; a member cannot read the
 * owner's sphere or domain rows) and the runner's role there. Nothing when the active identity has
 * no role there and no live elevation opens it.
 */
create function private.run_place(p_dataspace uuid)
returns table (owner_identity_id uuid, sphere_kind text, domain_kind text, my_role text)
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  d public.dataspaces;
  role_here text;
begin
  select x.* into d from public.dataspaces x where x.id = p_dataspace;
  if d.id is null or active is null then
    return;
  end if;
  role_here := private.dataspace_role(d.id, active);
  if role_here is null and not private.elevated(d.identity_id, 'read', d.sphere_id, d.id) then
    return;
  end if;
  return query
    select d.identity_id, s.kind, coalesce(dm.kind, 'general'), role_here
    from public.spheres s left join public.domains dm on dm.id = d.domain_id
    where s.id = d.sphere_id;
end;
$$;
revoke execute on function private.run_place(uuid) from public, anon;
grant execute on function private.run_place(uuid) to authenticated, service_role;

/**
 * Step 6 with a runner: as the five-argument version, and when the runner is not the tenant
 * (`p_identity`), the lock leaves out memory marked sensitive: a member's run reads only what the
 * member could read.
 */
create function private.scope_lock_acquire(
  p_identity uuid, p_execution uuid, p_thread uuid, p_dataspace_ids uuid[], p_thread_ids uuid[], p_runner uuid
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  lock_row public.scope_locks;
  n integer;
  sensitive uuid[];
begin
  if coalesce(cardinality(p_dataspace_ids), 0) = 0 then
    raise exception 'a scope lock needs at least one dataspace' using errcode = '22023';
  end if;
  select count(*) into n from public.dataspaces d where d.id = any(p_dataspace_ids) and d.identity_id = p_identity;
  if n <> cardinality(p_dataspace_ids) then
    raise exception 'scope lock refused: a dataspace is not owned by identity %', p_identity using errcode = '42501';
  end if;
  select count(*) into n from public.threads t
  where t.id = any(coalesce(p_thread_ids, '{}')) and t.identity_id = p_identity and t.dataspace_id = any(p_dataspace_ids);
  if n <> coalesce(cardinality(p_thread_ids), 0) then
    raise exception 'scope lock refused: a thread is not inside the locked dataspaces of identity %', p_identity
      using errcode = '42501';
  end if;

  insert into public.scope_locks (identity_id, execution_id, thread_id, dataspace_ids, thread_ids, memory_item_ids)
  values (p_identity, p_execution, p_thread, p_dataspace_ids, coalesce(p_thread_ids, '{}'),
          array(select m.id from public.memory_items m
                where m.identity_id = p_identity and m.dataspace_id = any(p_dataspace_ids)
                  and m.status = 'committed' and (m.expires_at is null or m.expires_at > now())
                  and (coalesce(cardinality(p_thread_ids), 0) = 0 or m.thread_id is null
                       or m.thread_id = any(p_thread_ids))
                  and (p_runner is null or p_runner = p_identity or not m.sensitive)
                order by m.id))
  returning * into lock_row;
  sensitive := array(select m.id from public.memory_items m where m.id = any(lock_row.memory_item_ids) and m.sensitive);

  update public.threads t set scope_locked = true, scope_locked_at = coalesce(t.scope_locked_at, now())
  where t.id = any(lock_row.thread_ids) and not t.scope_locked;
  perform private.audit(p_identity, 'scope_lock.acquired', 'scope_lock', lock_row.id,
    jsonb_build_object('execution_id', p_execution, 'dataspace_ids', to_jsonb(lock_row.dataspace_ids),
                       'thread_ids', to_jsonb(lock_row.thread_ids), 'memory_item_ids', to_jsonb(lock_row.memory_item_ids),
                       'runner_identity_id', p_runner));
  return to_jsonb(lock_row) || jsonb_build_object('sensitive_memory_item_ids', to_jsonb(sensitive));
end;
$$;
revoke execute on function private.scope_lock_acquire(uuid, uuid, uuid, uuid[], uuid[], uuid) from public, anon, authenticated;
grant execute on function private.scope_lock_acquire(uuid, uuid, uuid, uuid[], uuid[], uuid) to service_role;

/**
 * Opens a run (one call), `p_identity` being the RUNNER: the tenant is the run's dataspace's owner;
 * a runner other than the tenant must be a member with participant or above (42501 otherwise).
 * Records the encoded intent and the run row as the tenant's (naming the runner), reserves on the
 * runner's account against the budgets that apply there (private.ledger_charge_budgets), and takes
 * the scope lock in the tenant's content. Same answers as 20261127060200.
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
    exception when sqlstate 'P0001' then
      get stacked diagnostics msg = message_text, det = pg_exception_detail;
      return jsonb_build_object('execution_id', exec_id,
                                'refused', jsonb_build_object('message', msg, 'detail', nullif(det, '')));
    end;
  end if;
  lock := private.scope_lock_acquire(tenant, exec_id, (p_run ->> 'thread_id')::uuid, p_lock_dataspace_ids,
                                     p_lock_thread_ids, p_identity);
  return jsonb_build_object('execution_id', exec_id, 'reservation_id', res.id, 'reserved', res.amount, 'lock', lock);
end;
$$;

/** The second call of a run's opening, `p_identity` being the runner (restated: the run row is found by its runner). */
create or replace function private.pipeline_gather(
  p_identity uuid, p_execution uuid, p_lock uuid, p_needs text[], p_external boolean,
  p_exclude_agent_output boolean, p_agent uuid, p_reservation uuid, p_reserved bigint, p_stages jsonb
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  ctx jsonb;
begin
  ctx := private.backstage_gather(p_lock, p_needs, p_external, p_exclude_agent_output);
  update public.agent_executions e
  set status = 'running', agent_id = p_agent, reservation_id = p_reservation, tokens_reserved = p_reserved,
      stages = p_stages
  where e.id = p_execution and e.runner_identity_id = p_identity;
  perform private.pipeline_audit_stages(p_identity, p_execution, p_stages);
  return ctx;
end;
$$;

/**
 * Writes a run's results (restated): the agent's messages, decisions and memory proposals land in
 * the TENANT's content (the run row's identity), whoever ran it; `p_identity` is the runner.
 */
create or replace function private.pipeline_persist(
  p_identity uuid, p_execution uuid, p_user uuid, p_thread uuid, p_dataspace uuid, p_reservation uuid,
  p_charge bigint, p_commit_key text, p_output jsonb
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  tenant uuid;
  message_ids uuid[] := '{}';
  decision_ids uuid[] := '{}';
  memory_ids uuid[] := '{}';
begin
  select e.identity_id into tenant from public.agent_executions e where e.id = p_execution;
  tenant := coalesce(tenant, p_identity);
  if p_reservation is not null then
    perform private.ledger_commit(p_reservation, p_charge, p_commit_key);
  end if;
  if p_thread is not null then
    select coalesce(array_agg(gen_random_uuid() order by o.n), '{}') into message_ids
    from jsonb_array_elements_text(coalesce(p_output -> 'messages', '[]')) with ordinality o (body, n);
    insert into public.messages (id, identity_id, thread_id, author_kind, agent_execution_id, body)
    select message_ids[o.n], tenant, p_thread, 'agent', p_execution, o.body
    from jsonb_array_elements_text(coalesce(p_output -> 'messages', '[]')) with ordinality o (body, n)
    order by o.n;
    select coalesce(array_agg(gen_random_uuid() order by o.n), '{}') into decision_ids
    from jsonb_array_elements(coalesce(p_output -> 'decisions', '[]')) with ordinality o (d, n);
    insert into public.decisions (id, identity_id, thread_id, message_id, title, rationale, status)
    select decision_ids[o.n], tenant, p_thread, message_ids[1], o.d ->> 'title', o.d ->> 'rationale', 'proposed'
    from jsonb_array_elements(coalesce(p_output -> 'decisions', '[]')) with ordinality o (d, n)
    order by o.n;
  end if;
  select coalesce(array_agg(gen_random_uuid() order by o.n), '{}') into memory_ids
  from jsonb_array_elements(coalesce(p_output -> 'memory', '[]')) with ordinality o (p, n);
  insert into public.memory_items (id, identity_id, user_id, dataspace_id, thread_id, source_type, source_id, kind,
                                   content, status, origin, proposed_by_execution_id)
  select memory_ids[o.n], tenant, p_user, p_dataspace, p_thread, 'agent_execution', p_execution, o.p ->> 'kind',
         o.p ->> 'content', 'proposed', 'agent', p_execution
  from jsonb_array_elements(coalesce(p_output -> 'memory', '[]')) with ordinality o (p, n)
  order by o.n;
  -- law 10: every agent write to memory is audited (on the memory's owner's trail)
  perform private.audit(tenant, 'memory.proposed_by_agent', 'memory_item', m.id,
                        jsonb_build_object('execution_id', p_execution, 'runner_identity_id', p_identity))
  from unnest(memory_ids) with ordinality m (id, n)
  order by m.n;
  return jsonb_build_object('message_ids', to_jsonb(message_ids), 'decision_ids', to_jsonb(decision_ids),
                            'memory_proposal_ids', to_jsonb(memory_ids));
end;
$$;

/** Closes a succeeded run in one statement (restated: the run row is found by its runner, `p_identity`). */
create or replace function private.pipeline_close(
  p_identity uuid, p_execution uuid, p_user uuid, p_thread uuid, p_dataspace uuid, p_reservation uuid,
  p_charge bigint, p_reserved bigint, p_commit_key text, p_output jsonb, p_lock uuid, p_result jsonb,
  p_finished_at timestamptz, p_stages jsonb, p_audited integer, p_settle_ms numeric
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  t0 timestamptz := clock_timestamp();
  t1 timestamptz;
  t2 timestamptz;
  ids jsonb;
  added jsonb;
  all_stages jsonb;
begin
  if p_reservation is not null then
    perform private.ledger_commit(p_reservation, p_charge, p_commit_key);
  end if;
  t1 := clock_timestamp();
  ids := private.pipeline_persist(p_identity, p_execution, p_user, p_thread, p_dataspace, null, p_charge, null,
                                  p_output);
  perform private.scope_lock_release(p_lock);
  t2 := clock_timestamp();
  added := jsonb_build_array(
    jsonb_build_object('stage', 'settling',
                       'ms', round(coalesce(p_settle_ms, 0) + extract(epoch from t1 - t0)::numeric * 1000, 3),
                       'ok', true, 'detail', jsonb_build_object('charged', p_charge, 'released', p_reserved - p_charge)),
    jsonb_build_object('stage', 'persisting', 'ms', round(extract(epoch from t2 - t1)::numeric * 1000, 3), 'ok', true,
                       'detail', jsonb_build_object(
                         'messages', jsonb_array_length(ids -> 'message_ids'),
                         'decisions', jsonb_array_length(ids -> 'decision_ids'),
                         'memory_proposals', jsonb_array_length(ids -> 'memory_proposal_ids'))),
    jsonb_build_object('stage', 'audited', 'ms', 0, 'ok', true));
  all_stages := coalesce(p_stages, '[]'::jsonb) || added;
  update public.agent_executions e
  set status = 'succeeded', result = p_result || ids, tokens_used = p_charge, finished_at = p_finished_at,
      stages = all_stages
  where e.id = p_execution and e.runner_identity_id = p_identity;
  perform private.pipeline_audit_stages(p_identity, p_execution,
    (select coalesce(jsonb_agg(s.value order by s.n), '[]'::jsonb)
     from jsonb_array_elements(all_stages) with ordinality s (value, n) where s.n > p_audited));
  return ids || jsonb_build_object('stages', added);
end;
$$;
