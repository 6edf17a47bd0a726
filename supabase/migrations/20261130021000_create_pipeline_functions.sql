/**
 * The governed pipeline and scope locks: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/** The first version's signature: earlier agent output is part of the context. */
create function private.backstage_gather(p_lock uuid, p_needs text[], p_external boolean, p_exclude_agent_output boolean)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  lock_row public.scope_locks;
  exec_user uuid;
  ctx jsonb := '{}'::jsonb;
  mem jsonb := '[]'::jsonb;
  read_ids uuid[] := '{}';
  withheld integer := 0;
  ctx_id uuid;
begin
  select l.* into lock_row from public.scope_locks l where l.id = p_lock;
  if not found or lock_row.released_at is not null then
    raise exception 'scope lock % is not held: agents read only inside a held lock (memory law 6)', p_lock
      using errcode = '55000';
  end if;
  select e.user_id into exec_user from public.agent_executions e where e.id = lock_row.execution_id;

  if 'messages' = any(p_needs) then
    ctx := ctx || jsonb_build_object('messages', coalesce((
      select jsonb_agg(jsonb_build_object('id', m.id, 'thread_id', m.thread_id, 'author_kind', m.author_kind,
                                          'body', m.body, 'created_at', m.created_at) order by m.created_at, m.id)
      from (select * from public.messages m
            where m.thread_id = any(lock_row.thread_ids) and m.identity_id = lock_row.identity_id
              and not (p_exclude_agent_output and m.author_kind = 'agent')
            order by m.created_at desc, m.id limit 200) m), '[]'::jsonb));
  end if;
  if 'decisions' = any(p_needs) then
    ctx := ctx || jsonb_build_object('decisions', coalesce((
      select jsonb_agg(jsonb_build_object('id', d.id, 'title', d.title, 'status', d.status) order by d.created_at, d.id)
      from (select d.* from public.decisions d
            where d.thread_id = any(lock_row.thread_ids) and d.identity_id = lock_row.identity_id
              and not (p_exclude_agent_output and d.status = 'proposed'
                       and exists (select 1 from public.messages m
                                   where m.id = d.message_id and m.identity_id = d.identity_id
                                     and m.author_kind = 'agent'))
            order by d.created_at desc, d.id limit 200) d), '[]'::jsonb));
  end if;
  if 'meeting_notes' = any(p_needs) then
    ctx := ctx || jsonb_build_object('meeting_notes', coalesce((
      select jsonb_agg(jsonb_build_object('id', n.id, 'meeting', mt.title, 'body', n.body) order by n.created_at, n.id)
      from public.meeting_notes n join public.meetings mt on mt.id = n.meeting_id
      where mt.identity_id = lock_row.identity_id and mt.dataspace_id = any(lock_row.dataspace_ids)
        and (cardinality(lock_row.thread_ids) = 0 or mt.thread_id is null or mt.thread_id = any(lock_row.thread_ids))),
      '[]'::jsonb));
  end if;
  if 'line_items' = any(p_needs) then
    ctx := ctx || jsonb_build_object('line_items', coalesce((
      select jsonb_agg(jsonb_build_object('project', p.name, 'estimate_id', e.id, 'tax_rate', e.tax_rate,
                                          'position', li.position, 'description', li.description,
                                          'category', li.category, 'quantity', li.quantity, 'unit', li.unit,
                                          'unit_price_cents', li.unit_price_cents)
                       order by p.id, li.position)
      from public.construction_projects p
      join lateral (select * from public.construction_estimates e where e.project_id = p.id
                    order by e.version desc limit 1) e on true
      join public.estimate_line_items li on li.estimate_id = e.id
      where p.identity_id = lock_row.identity_id and p.dataspace_id = any(lock_row.dataspace_ids)), '[]'::jsonb));
  end if;
  if 'memory' = any(p_needs) then
    select coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'kind', m.kind, 'content', m.content) order by m.id)
                    filter (where not (p_external and m.sensitive)), '[]'::jsonb),
           coalesce(array_agg(m.id order by m.id) filter (where not (p_external and m.sensitive)), '{}'),
           count(*) filter (where p_external and m.sensitive)
    into mem, read_ids, withheld
    from public.memory_items m
    where m.id = any(lock_row.memory_item_ids) and m.identity_id = lock_row.identity_id
      and m.status = 'committed' and (m.expires_at is null or m.expires_at > now());
    ctx := ctx || jsonb_build_object('memory', mem, 'withheld_sensitive', withheld);
    perform private.audit(lock_row.identity_id, 'memory.read_by_agent', 'memory_item', r.id,
                          jsonb_build_object('execution_id', lock_row.execution_id, 'scope_lock_id', lock_row.id))
    from unnest(read_ids) r(id);
    if withheld > 0 then
      perform private.audit(lock_row.identity_id, 'memory.withheld_sensitive', 'scope_lock', lock_row.id,
                            jsonb_build_object('execution_id', lock_row.execution_id, 'count', withheld));
    end if;
  end if;

  insert into public.backstage_contexts (identity_id, user_id, execution_id, dataspace_id, context, memory_item_ids)
  values (lock_row.identity_id, exec_user, lock_row.execution_id, lock_row.dataspace_ids[1],
          jsonb_build_object('scope_lock_id', lock_row.id, 'needs', to_jsonb(p_needs), 'external', p_external,
                             'agent_output_excluded', p_exclude_agent_output,
                             'messages', jsonb_array_length(coalesce(ctx -> 'messages', '[]')),
                             'decisions', jsonb_array_length(coalesce(ctx -> 'decisions', '[]')),
                             'meeting_notes', jsonb_array_length(coalesce(ctx -> 'meeting_notes', '[]')),
                             'line_items', jsonb_array_length(coalesce(ctx -> 'line_items', '[]')),
                             'memory_items', cardinality(read_ids), 'withheld_sensitive', withheld),
          read_ids)
  returning id into ctx_id;
  return ctx || jsonb_build_object('backstage_context_id', ctx_id, 'memory_item_ids', to_jsonb(read_ids));
end;
$$;
grant execute on function private.backstage_gather(p_lock uuid, p_needs text[], p_external boolean, p_exclude_agent_output boolean) to service_role;

/** The first version's signature: earlier agent output is part of the context. */
create function private.backstage_gather(p_lock uuid, p_needs text[], p_external boolean)
 returns jsonb
 language sql
 security definer
 set search_path to ''
as $$
  select private.backstage_gather(p_lock, p_needs, p_external, false)
$$;
grant execute on function private.backstage_gather(p_lock uuid, p_needs text[], p_external boolean) to service_role;

/** A run without a runner named was run by its own identity (the owner's runs, the seed). */
create function private.default_runner()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
begin
  new.runner_identity_id := coalesce(new.runner_identity_id, new.identity_id);
  return new;
end;
$$;

/**
 * Locks a scope for the active identity: `p_thread` (the thread and its dataspace), else
 * `p_dataspace` (the dataspace, every thread of it), else the scope of run `p_execution`. With
 * `p_execution` the lock is recorded as that run's (one held lock per run: a second is a unique
 * violation). Returns the lock as private.scope_lock_acquire does.
 */
create function private.lock_scope(p_thread uuid, p_dataspace uuid, p_execution uuid)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  v_thread uuid := p_thread;
  v_dataspace uuid := p_dataspace;
  run_thread uuid;
  run_dataspace uuid;
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  if p_execution is not null then
    select e.thread_id, e.dataspace_id into run_thread, run_dataspace
    from public.agent_executions e where e.id = p_execution and e.identity_id = active;
    if not found then
      raise exception 'agent execution % not found', p_execution using errcode = 'P0002';
    end if;
    if v_thread is null and v_dataspace is null then
      v_thread := run_thread;
      v_dataspace := run_dataspace;
    end if;
  end if;
  if v_thread is not null then
    select t.dataspace_id into run_dataspace from public.threads t where t.id = v_thread and t.identity_id = active;
    if not found then
      raise exception 'thread % not found', v_thread using errcode = 'P0002';
    end if;
    if v_dataspace is not null and v_dataspace <> run_dataspace then
      raise exception 'thread % is not in dataspace %', v_thread, v_dataspace using errcode = '22023';
    end if;
    v_dataspace := run_dataspace;
  elsif v_dataspace is null then
    raise exception 'a scope lock needs a thread, a dataspace or a run' using errcode = '22023';
  elsif not exists (select 1 from public.dataspaces d where d.id = v_dataspace and d.identity_id = active) then
    raise exception 'dataspace % not found', v_dataspace using errcode = 'P0002';
  end if;
  return private.scope_lock_acquire(active, p_execution, v_thread, array[v_dataspace],
                                    case when v_thread is null then '{}'::uuid[] else array[v_thread] end);
end;
$$;
grant execute on function private.lock_scope(p_thread uuid, p_dataspace uuid, p_execution uuid) to authenticated, service_role;

/** Appends one audit row per stage record (`{"stage": …}`) of a run, in order. */
create function private.pipeline_audit_stages(p_identity uuid, p_execution uuid, p_stages jsonb)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  s jsonb;
begin
  for s in select e.value from jsonb_array_elements(coalesce(p_stages, '[]'::jsonb)) with ordinality e order by e.ordinality
  loop
    perform private.audit(p_identity, 'pipeline.' || (s ->> 'stage'), 'agent_execution', p_execution, s);
  end loop;
end;
$$;
grant execute on function private.pipeline_audit_stages(p_identity uuid, p_execution uuid, p_stages jsonb) to service_role;

/**
 * Holds an opened run for review (service role, in the run's opening transaction; `p_identity` is
 * the runner, as in the pipeline's phase functions since 20261206500400): keeps its scope
 * lock and reservation, pushes the hold's expiry to the end of the review window, records the
 * agent's input (`p_input`) so approval runs exactly what was reviewed, audits the stages, and tells
 * every reviewer (a notification on their default identity, live in their presence room).
 */
create function private.pipeline_await_review(p_identity uuid, p_execution uuid, p_lock uuid, p_agent uuid, p_reservation uuid, p_reserved bigint, p_window_seconds integer, p_stages jsonb, p_input jsonb)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  until timestamptz := now() + make_interval(secs => p_window_seconds);
  run public.agent_executions;
begin
  update public.token_reservations r set expires_at = greatest(r.expires_at, until)
  where r.id = p_reservation and r.status = 'open';
  update public.agent_executions e
  set status = 'awaiting_review', agent_id = p_agent, reservation_id = p_reservation, tokens_reserved = p_reserved,
      stages = p_stages,
      review = jsonb_build_object('state', 'pending', 'requested_at', now(), 'expires_at', until, 'lock_id', p_lock,
                                  'input', p_input)
  where e.id = p_execution and e.runner_identity_id = p_identity
  returning * into run;
  perform private.pipeline_audit_stages(p_identity, p_execution, p_stages);
  perform private.audit(p_identity, 'pipeline.awaiting_review', 'agent_execution', p_execution,
                        jsonb_build_object('reservation_id', p_reservation, 'tokens', p_reserved, 'until', until));
  insert into public.notifications (identity_id, user_id, kind, title, body, data)
  select i.id, i.user_id, 'review.requested', 'Un agent attend votre revue',
         left(run.intent_text, 4000), jsonb_build_object('execution_id', p_execution)
  from private.staff_roles s
  join lateral (select i.* from public.identities i where i.user_id = s.user_id
                order by i.is_default desc, i.created_at limit 1) i on true
  where s.user_id <> run.user_id;
  return jsonb_build_object('execution_id', p_execution, 'until', until);
end;
$$;
grant execute on function private.pipeline_await_review(p_identity uuid, p_execution uuid, p_lock uuid, p_agent uuid, p_reservation uuid, p_reserved bigint, p_window_seconds integer, p_stages jsonb, p_input jsonb) to service_role;

/** Closes a succeeded run in one statement (restated: the run row is found by its runner, `p_identity`). */
create function private.pipeline_close(p_identity uuid, p_execution uuid, p_user uuid, p_thread uuid, p_dataspace uuid, p_reservation uuid, p_charge bigint, p_reserved bigint, p_commit_key text, p_output jsonb, p_lock uuid, p_result jsonb, p_finished_at timestamptz, p_stages jsonb, p_audited integer, p_settle_ms numeric)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
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
grant execute on function private.pipeline_close(p_identity uuid, p_execution uuid, p_user uuid, p_thread uuid, p_dataspace uuid, p_reservation uuid, p_charge bigint, p_reserved bigint, p_commit_key text, p_output jsonb, p_lock uuid, p_result jsonb, p_finished_at timestamp with time zone, p_stages jsonb, p_audited integer, p_settle_ms numeric) to service_role;

/** The second call of a run's opening, `p_identity` being the runner (restated: the run row is found by its runner). */
create function private.pipeline_gather(p_identity uuid, p_execution uuid, p_lock uuid, p_needs text[], p_external boolean, p_exclude_agent_output boolean, p_agent uuid, p_reservation uuid, p_reserved bigint, p_stages jsonb)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
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
grant execute on function private.pipeline_gather(p_identity uuid, p_execution uuid, p_lock uuid, p_needs text[], p_external boolean, p_exclude_agent_output boolean, p_agent uuid, p_reservation uuid, p_reserved bigint, p_stages jsonb) to service_role;

/**
 * Opens a run (one call), `p_identity` being the RUNNER: records the encoded intent and the run row
 * as the tenant's, reserves on the runner's account (private.ledger_reserve) and takes the scope
 * lock. A refusal of the reservation (LD001–LD003) comes back as a value, `refused`: its SQLSTATE,
 * message and the verdict as JSON (private.ledger_verdict), the run row kept for the caller to mark
 * refused. Restated from 20261206500400 with that answer.
 */
create function private.pipeline_open(p_identity uuid, p_intent jsonb, p_run jsonb, p_amount bigint, p_reserve_key text, p_ttl_seconds integer, p_scopes jsonb, p_lock_dataspace_ids uuid[], p_lock_thread_ids uuid[])
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
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
grant execute on function private.pipeline_open(p_identity uuid, p_intent jsonb, p_run jsonb, p_amount bigint, p_reserve_key text, p_ttl_seconds integer, p_scopes jsonb, p_lock_dataspace_ids uuid[], p_lock_thread_ids uuid[]) to service_role;

/**
 * Writes a run's results (restated): the agent's messages, decisions and memory proposals land in
 * the TENANT's content (the run row's identity), whoever ran it; `p_identity` is the runner.
 */
create function private.pipeline_persist(p_identity uuid, p_execution uuid, p_user uuid, p_thread uuid, p_dataspace uuid, p_reservation uuid, p_charge bigint, p_commit_key text, p_output jsonb)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
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
grant execute on function private.pipeline_persist(p_identity uuid, p_execution uuid, p_user uuid, p_thread uuid, p_dataspace uuid, p_reservation uuid, p_charge bigint, p_commit_key text, p_output jsonb) to service_role;

/**
 * Takes an approved run for execution (service role): `running` once, so two callers never both run
 * it. Returns the run row and its review, or null when it is not approved (anymore).
 */
create function private.pipeline_resume(p_execution uuid)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  run public.agent_executions;
begin
  update public.agent_executions e set status = 'running'
  where e.id = p_execution and e.status = 'approved'
  returning * into run;
  if not found then
    return null;
  end if;
  return to_jsonb(run);
end;
$$;
grant execute on function private.pipeline_resume(p_execution uuid) to service_role;

/**
 * Streams a running agent's text to the rooms (service role): appends chunk `p_seq` of run
 * `p_execution` (`p_delta`, or the end of the stream with `p_done`) to the realtime outbox on its
 * dataspace, thread and identity keys. Nothing is stored: the thread gets the text when the run
 * settles. Returns whether the runner asked to stop the run.
 */
create function private.pipeline_stream(p_execution uuid, p_seq integer, p_delta text, p_done boolean, p_meta jsonb default '{}'::jsonb)
 returns boolean
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  run public.agent_executions;
begin
  select e.* into run from public.agent_executions e where e.id = p_execution;
  if not found then
    return true;
  end if;
  insert into private.realtime_outbox (payload)
  values (jsonb_build_object(
    'table', 'agent_stream', 'op', 'UPDATE', 'id', run.id, 'identityId', run.identity_id,
    'keys', to_jsonb(array_remove(array['dataspace:' || run.dataspace_id,
                                        case when run.thread_id is not null then 'thread:' || run.thread_id end,
                                        'identity:' || coalesce(run.runner_identity_id, run.identity_id)], null)),
    'data', jsonb_build_object('threadId', run.thread_id, 'dataspaceId', run.dataspace_id, 'seq', p_seq,
                               'delta', left(coalesce(p_delta, ''), 3000), 'done', p_done)
            || coalesce(p_meta, '{}'::jsonb))::text);
  return run.cancel_requested_at is not null;
end;
$$;
grant execute on function private.pipeline_stream(p_execution uuid, p_seq integer, p_delta text, p_done boolean, p_meta jsonb) to service_role;

/**
 * Releases a lock of the active identity (idempotent) and returns it. A lock its run still holds
 * while the run is in flight is refused: backstage reads only inside a held lock (memory law 6).
 */
create function private.release_scope_lock(p_lock uuid)
 returns public.scope_locks
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  lock_row public.scope_locks;
begin
  select l.* into lock_row from public.scope_locks l where l.id = p_lock and l.identity_id = active;
  if not found or active is null then
    raise exception 'scope lock % not found', p_lock using errcode = 'P0002';
  end if;
  if lock_row.released_at is null and exists (
    select 1 from public.agent_executions e
    where e.id = lock_row.execution_id and e.status not in ('succeeded', 'failed', 'refused')
  ) then
    raise exception 'scope lock % is held by a running agent execution', p_lock using errcode = '55000';
  end if;
  perform private.scope_lock_release(p_lock);
  select l.* into lock_row from public.scope_locks l where l.id = p_lock;
  return lock_row;
end;
$$;
grant execute on function private.release_scope_lock(p_lock uuid) to authenticated, service_role;

/**
 * Where a run would happen, for the run's validation reads (as the runner, under RLS): the
 * dataspace's owner, sphere and domain kinds (what agent matching needs; a member cannot read the
 * owner's sphere or domain rows) and the runner's role there. Nothing when the active identity has
 * no role there and no live elevation opens it.
 */
create function private.run_place(p_dataspace uuid)
 returns table(owner_identity_id uuid, sphere_kind text, domain_kind text, my_role text)
 language plpgsql
 stable security definer
 set search_path to ''
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
grant execute on function private.run_place(p_dataspace uuid) to authenticated, service_role;

/**
 * Step 6 with a runner: as the five-argument version, and when the runner is not the tenant
 * (`p_identity`), the lock leaves out memory marked sensitive: a member's run reads only what the
 * member could read.
 */
create function private.scope_lock_acquire(p_identity uuid, p_execution uuid, p_thread uuid, p_dataspace_ids uuid[], p_thread_ids uuid[])
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
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
                order by m.id))
  returning * into lock_row;
  sensitive := array(select m.id from public.memory_items m where m.id = any(lock_row.memory_item_ids) and m.sensitive);

  update public.threads t set scope_locked = true, scope_locked_at = coalesce(t.scope_locked_at, now())
  where t.id = any(lock_row.thread_ids) and not t.scope_locked;
  perform private.audit(p_identity, 'scope_lock.acquired', 'scope_lock', lock_row.id,
    jsonb_build_object('execution_id', p_execution, 'dataspace_ids', to_jsonb(lock_row.dataspace_ids),
                       'thread_ids', to_jsonb(lock_row.thread_ids), 'memory_item_ids', to_jsonb(lock_row.memory_item_ids)));
  return to_jsonb(lock_row) || jsonb_build_object('sensitive_memory_item_ids', to_jsonb(sensitive));
end;
$$;
grant execute on function private.scope_lock_acquire(p_identity uuid, p_execution uuid, p_thread uuid, p_dataspace_ids uuid[], p_thread_ids uuid[]) to service_role;

/**
 * Step 6 with a runner: as the five-argument version, and when the runner is not the tenant
 * (`p_identity`), the lock leaves out memory marked sensitive: a member's run reads only what the
 * member could read.
 */
create function private.scope_lock_acquire(p_identity uuid, p_execution uuid, p_thread uuid, p_dataspace_ids uuid[], p_thread_ids uuid[], p_runner uuid)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
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
grant execute on function private.scope_lock_acquire(p_identity uuid, p_execution uuid, p_thread uuid, p_dataspace_ids uuid[], p_thread_ids uuid[], p_runner uuid) to service_role;

/**
 * Ends a held lock (idempotent: a released lock stays as it was). A thread stays `scope_locked`
 * while another held lock still covers it.
 */
create function private.scope_lock_release(p_lock uuid)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  lock_row public.scope_locks;
begin
  update public.scope_locks l set released_at = now() where l.id = p_lock and l.released_at is null
  returning * into lock_row;
  if not found then
    return;
  end if;
  update public.threads t set scope_locked = false, scope_locked_at = null
  where t.id = any(lock_row.thread_ids)
    and not exists (select 1 from public.scope_locks o
                    where o.released_at is null and t.id = any(o.thread_ids) and o.identity_id = t.identity_id);
  perform private.audit(lock_row.identity_id, 'scope_lock.released', 'scope_lock', lock_row.id,
    jsonb_build_object('execution_id', lock_row.execution_id));
end;
$$;
grant execute on function private.scope_lock_release(p_lock uuid) to service_role;
