/**
 * Fewer round trips per governed run (`npm run bench:pipeline`). The server's two service
 * transactions each issued a dozen statements; these functions let each phase be one or two calls
 * with the same rules: the run row, the reservation and the scope lock are written in one call (a
 * budget refusal comes back as a value so the refused run is still recorded in the same transaction,
 * as the savepoint did); the Backstage read, the run's status and the audit rows of its stages in a
 * second. Backstage also stops growing with the thread's agent output: an agent that does not read
 * earlier agent output (the built-in ones) is not sent agent-authored messages nor the decisions
 * agents proposed that nobody has ruled on yet, and decisions are capped like messages are.
 */

/**
 * Backstage with a choice of whether earlier agent output is part of the context
 * (`p_exclude_agent_output`). Same rules as the three-argument version: reads only inside the held
 * lock (law 6), withholds sensitive memory from external agents (law 8), skips forgotten and expired
 * items (laws 5 and 9), audits every memory item read (law 10) and records the context row.
 */
create function private.backstage_gather(
  p_lock uuid, p_needs text[], p_external boolean, p_exclude_agent_output boolean
) returns jsonb
language plpgsql security definer
set search_path = ''
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

/** The first version's signature: earlier agent output is part of the context. */
create or replace function private.backstage_gather(p_lock uuid, p_needs text[], p_external boolean) returns jsonb
language sql security definer
set search_path = ''
as $$
  select private.backstage_gather(p_lock, p_needs, p_external, false)
$$;

/** Appends one audit row per stage record (`{"stage": …}`) of a run, in order. */
create function private.pipeline_audit_stages(p_identity uuid, p_execution uuid, p_stages jsonb) returns void
language plpgsql security definer
set search_path = ''
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

/**
 * Opens a run (one call): records the encoded intent and the run row (`p_run`: the agent_executions
 * columns), then, unless a workflow holds the tokens (`p_amount` null), reserves them, then takes the
 * scope lock. Refuses with a unique violation naming `pipeline_open` when a run with this idempotency
 * key exists (the caller replays it), returns `{"refused": {message, detail}, "execution_id"}` when
 * the balance or a budget refused
 * (the run row stays; the caller records the refusal in the same transaction), else
 * `{"execution_id", "reservation_id", "reserved", "lock"}`.
 */
create function private.pipeline_open(
  p_identity uuid, p_intent jsonb, p_run jsonb, p_amount bigint, p_reserve_key text, p_ttl_seconds integer,
  p_scopes jsonb, p_lock_dataspace_ids uuid[], p_lock_thread_ids uuid[]
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  intent_id uuid;
  exec_id uuid := (p_run ->> 'id')::uuid;
  inserted uuid;
  res public.token_reservations;
  lock jsonb;
  msg text;
  det text;
begin
  insert into public.encoded_intents (identity_id, thread_id, profile_id, original_text, encoded, eqs, tokens_original,
                                      tokens_encoded)
  values (p_identity, (p_intent ->> 'thread_id')::uuid, (p_intent ->> 'profile_id')::uuid, p_intent ->> 'original_text',
          p_intent -> 'encoded', (p_intent ->> 'eqs')::smallint, (p_intent ->> 'tokens_original')::integer,
          (p_intent ->> 'tokens_encoded')::integer)
  returning id into intent_id;
  insert into public.agent_executions (id, identity_id, user_id, agent_id, thread_id, dataspace_id, status, intent_text,
                                       task_type, encoded_intent_id, tokens_estimated, idempotency_key, request_hash,
                                       started_at, stages)
  values (exec_id, p_identity, (p_run ->> 'user_id')::uuid, (p_run ->> 'agent_id')::uuid, (p_run ->> 'thread_id')::uuid,
          (p_run ->> 'dataspace_id')::uuid, 'estimating', p_run ->> 'intent_text', p_run ->> 'task_type', intent_id,
          (p_run ->> 'tokens_estimated')::integer, p_run ->> 'idempotency_key', p_run ->> 'request_hash',
          (p_run ->> 'started_at')::timestamptz, p_run -> 'stages')
  on conflict (identity_id, idempotency_key) do nothing
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
  lock := private.scope_lock_acquire(p_identity, exec_id, (p_run ->> 'thread_id')::uuid, p_lock_dataspace_ids,
                                     p_lock_thread_ids);
  return jsonb_build_object('execution_id', exec_id, 'reservation_id', res.id, 'reserved', res.amount, 'lock', lock);
end;
$$;

/**
 * The second call of a run's opening: gathers the Backstage context inside the held lock, marks the
 * run running with its agent and reservation, and audits the stages recorded so far. Returns the
 * context.
 */
create function private.pipeline_gather(
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
  where e.id = p_execution and e.identity_id = p_identity;
  perform private.pipeline_audit_stages(p_identity, p_execution, p_stages);
  return ctx;
end;
$$;

/**
 * Writes a run's results (one call): settles the reservation (`p_reservation` null when a workflow
 * settles), then the agent's messages and decisions into the thread and its memory proposals
 * (`p_output`: `{"messages": [text], "decisions": [{title, rationale}], "memory": [{kind, content}]}`),
 * each agent write to memory audited (law 10). Returns the written ids in output order.
 */
create function private.pipeline_persist(
  p_identity uuid, p_execution uuid, p_user uuid, p_thread uuid, p_dataspace uuid, p_reservation uuid,
  p_charge bigint, p_commit_key text, p_output jsonb
) returns jsonb
language plpgsql security definer
set search_path = ''
as $$
declare
  message_ids uuid[] := '{}';
  decision_ids uuid[] := '{}';
  memory_ids uuid[] := '{}';
begin
  if p_reservation is not null then
    perform private.ledger_commit(p_reservation, p_charge, p_commit_key);
  end if;
  if p_thread is not null then
    select coalesce(array_agg(gen_random_uuid() order by o.n), '{}') into message_ids
    from jsonb_array_elements_text(coalesce(p_output -> 'messages', '[]')) with ordinality o (body, n);
    insert into public.messages (id, identity_id, thread_id, author_kind, agent_execution_id, body)
    select message_ids[o.n], p_identity, p_thread, 'agent', p_execution, o.body
    from jsonb_array_elements_text(coalesce(p_output -> 'messages', '[]')) with ordinality o (body, n)
    order by o.n;
    select coalesce(array_agg(gen_random_uuid() order by o.n), '{}') into decision_ids
    from jsonb_array_elements(coalesce(p_output -> 'decisions', '[]')) with ordinality o (d, n);
    insert into public.decisions (id, identity_id, thread_id, message_id, title, rationale, status)
    select decision_ids[o.n], p_identity, p_thread, message_ids[1], o.d ->> 'title', o.d ->> 'rationale', 'proposed'
    from jsonb_array_elements(coalesce(p_output -> 'decisions', '[]')) with ordinality o (d, n)
    order by o.n;
  end if;
  select coalesce(array_agg(gen_random_uuid() order by o.n), '{}') into memory_ids
  from jsonb_array_elements(coalesce(p_output -> 'memory', '[]')) with ordinality o (p, n);
  insert into public.memory_items (id, identity_id, user_id, dataspace_id, thread_id, source_type, source_id, kind,
                                   content, status, origin, proposed_by_execution_id)
  select memory_ids[o.n], p_identity, p_user, p_dataspace, p_thread, 'agent_execution', p_execution, o.p ->> 'kind',
         o.p ->> 'content', 'proposed', 'agent', p_execution
  from jsonb_array_elements(coalesce(p_output -> 'memory', '[]')) with ordinality o (p, n)
  order by o.n;
  -- law 10: every agent write to memory is audited
  perform private.audit(p_identity, 'memory.proposed_by_agent', 'memory_item', m.id,
                        jsonb_build_object('execution_id', p_execution))
  from unnest(memory_ids) with ordinality m (id, n)
  order by m.n;
  return jsonb_build_object('message_ids', to_jsonb(message_ids), 'decision_ids', to_jsonb(decision_ids),
                            'memory_proposal_ids', to_jsonb(memory_ids));
end;
$$;

revoke execute on function
  private.backstage_gather(uuid, text[], boolean, boolean),
  private.pipeline_audit_stages(uuid, uuid, jsonb),
  private.pipeline_open(uuid, jsonb, jsonb, bigint, text, integer, jsonb, uuid[], uuid[]),
  private.pipeline_gather(uuid, uuid, uuid, text[], boolean, boolean, uuid, uuid, bigint, jsonb),
  private.pipeline_persist(uuid, uuid, uuid, uuid, uuid, uuid, bigint, text, jsonb)
from public, anon, authenticated;
grant execute on function
  private.backstage_gather(uuid, text[], boolean, boolean),
  private.pipeline_audit_stages(uuid, uuid, jsonb),
  private.pipeline_open(uuid, jsonb, jsonb, bigint, text, integer, jsonb, uuid[], uuid[]),
  private.pipeline_gather(uuid, uuid, uuid, text[], boolean, boolean, uuid, uuid, bigint, jsonb),
  private.pipeline_persist(uuid, uuid, uuid, uuid, uuid, uuid, bigint, text, jsonb)
to service_role;

/**
 * Closes a succeeded run in one statement: settles and writes the results (private.pipeline_persist),
 * releases the scope lock, records the result (`p_result` plus the written ids), usage and stages on
 * the run row, and audits every stage not audited yet (`p_stages` from position `p_audited`). The
 * stages 'settling', 'persisting' and 'audited' are timed here, where the work happens
 * (`p_settle_ms`: time the caller already spent settling, e.g. a workflow step); they are returned
 * with the ids.
 */
create function private.pipeline_close(
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
  where e.id = p_execution and e.identity_id = p_identity;
  perform private.pipeline_audit_stages(p_identity, p_execution,
    (select coalesce(jsonb_agg(s.value order by s.n), '[]'::jsonb)
     from jsonb_array_elements(all_stages) with ordinality s (value, n) where s.n > p_audited));
  return ids || jsonb_build_object('stages', added);
end;
$$;

revoke execute on function
  private.pipeline_close(uuid, uuid, uuid, uuid, uuid, uuid, bigint, bigint, text, jsonb, uuid, jsonb, timestamptz,
                         jsonb, integer, numeric)
from public, anon, authenticated;
grant execute on function
  private.pipeline_close(uuid, uuid, uuid, uuid, uuid, uuid, bigint, bigint, text, jsonb, uuid, jsonb, timestamptz,
                         jsonb, integer, numeric)
to service_role;
