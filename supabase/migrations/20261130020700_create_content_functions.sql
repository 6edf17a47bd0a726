/**
 * Threads, memory and files: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * A correction or forget of a memory item is audited on the actor's chain (as before) and, when the
 * item is a shared dataspace's (a member corrected the owner's memory), on its owner's chain too.
 * Refuses an item the active identity could not edit. Called by the memory functions below.
 */
create function private.audit_memory_change(p_item uuid, p_action text)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  item record;
begin
  select m.identity_id, m.dataspace_id into item from public.memory_items m where m.id = p_item;
  if item.identity_id is null or active is null
     or coalesce(private.dataspace_rank(private.dataspace_role(item.dataspace_id, active)), 0) < 3 then
    -- the owner's own items (and elevated writers) keep the single audit row of audit_self
    perform private.audit_self(p_action, 'memory_item', p_item, '{}'::jsonb);
    return;
  end if;
  perform private.audit_sharing(item.identity_id, active, p_action, 'memory_item', p_item, '{}'::jsonb);
end;
$$;
grant execute on function private.audit_memory_change(p_item uuid, p_action text) to authenticated, service_role;

/**
 * Imports a `.chenu` thread document (validated by the caller against shared/chenu's zod schema)
 * into a dataspace of the request's ACTIVE identity: a new thread with new ids for every message,
 * decision and execution (references between them remapped), the thread's token limit carried over
 * and its consumption starting at zero (the ledger movements stay with the source; the source's
 * figure is kept in the audit row). Executions are history: an unfinished one arrives 'failed';
 * one whose agent (by slug) this deployment lacks is skipped and counted. Security definer because
 * clients cannot write agent executions or the audit trail; it enforces the identity rules itself:
 * only a dataspace the active identity owns is reachable, whatever elevations exist.
 */
create function private.chenu_import_thread(p_dataspace_id uuid, p_artifact jsonb)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  new_thread uuid := gen_random_uuid();
  e jsonb;
  m jsonb;
  d jsonb;
  agent uuid;
  exec_ids jsonb := '{}'::jsonb;
  msg_ids jsonb := '{}'::jsonb;
  new_id uuid;
  skipped integer := 0;
  counts jsonb;
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  if p_artifact is null or p_artifact ->> 'format' is distinct from 'chenu.thread'
      or p_artifact -> 'schemaVersion' is distinct from '1'::jsonb then
    raise exception 'not a .chenu thread document of schema version 1' using errcode = '22023';
  end if;
  if not exists (select 1 from public.dataspaces x where x.id = p_dataspace_id and x.identity_id = active) then
    raise exception 'dataspace % is not reachable by the active identity', p_dataspace_id using errcode = '42501';
  end if;

  insert into public.threads (id, identity_id, dataspace_id, title, status, token_budget)
  values (new_thread, active, p_dataspace_id, p_artifact #>> '{thread,title}', p_artifact #>> '{thread,status}',
          (p_artifact #>> '{budget,tokenBudget}')::bigint);

  for e in select x.value from jsonb_array_elements(p_artifact -> 'executions') x loop
    select a.id into agent from public.agents a where a.slug = e ->> 'agentSlug';
    if not found then
      skipped := skipped + 1;
      continue;
    end if;
    new_id := gen_random_uuid();
    insert into public.agent_executions
      (id, identity_id, user_id, agent_id, thread_id, dataspace_id, status, intent_text, task_type, stages,
       tokens_estimated, tokens_reserved, tokens_used, result, error, started_at, finished_at, created_at)
    select new_id, active, (select auth.uid()), agent, new_thread, p_dataspace_id,
           case when finished then e ->> 'status' else 'failed' end,
           e ->> 'intentText', e ->> 'taskType', e -> 'stages',
           (e ->> 'tokensEstimated')::int, (e ->> 'tokensReserved')::int, (e ->> 'tokensUsed')::int,
           case when jsonb_typeof(e -> 'result') = 'null' then null else e -> 'result' end,
           case when finished then nullif(e -> 'error', 'null'::jsonb)
                else jsonb_build_object('code', 'imported_unfinished', 'status', e ->> 'status') end,
           (e ->> 'startedAt')::timestamptz,
           case when finished then (e ->> 'finishedAt')::timestamptz
                else greatest((p_artifact ->> 'exportedAt')::timestamptz, (e ->> 'startedAt')::timestamptz) end,
           (e ->> 'createdAt')::timestamptz
    from (select e ->> 'status' in ('succeeded', 'failed', 'refused') as finished) f;
    exec_ids := exec_ids || jsonb_build_object(e ->> 'id', new_id);
  end loop;

  for m in select x.value from jsonb_array_elements(p_artifact -> 'messages') x loop
    new_id := gen_random_uuid();
    insert into public.messages (id, identity_id, thread_id, author_kind, agent_execution_id, body, created_at)
    values (new_id, active, new_thread, m ->> 'authorKind', (exec_ids ->> (m ->> 'agentExecutionId'))::uuid,
            m ->> 'body', (m ->> 'createdAt')::timestamptz);
    msg_ids := msg_ids || jsonb_build_object(m ->> 'id', new_id);
  end loop;

  for d in select x.value from jsonb_array_elements(p_artifact -> 'decisions') x loop
    insert into public.decisions (identity_id, thread_id, message_id, title, rationale, status, decided_at, created_at)
    values (active, new_thread, (msg_ids ->> (d ->> 'messageId'))::uuid, d ->> 'title', d ->> 'rationale',
            d ->> 'status', (d ->> 'decidedAt')::timestamptz, (d ->> 'createdAt')::timestamptz);
  end loop;

  counts := jsonb_build_object(
    'thread_id', new_thread,
    'messages', jsonb_array_length(p_artifact -> 'messages'),
    'decisions', jsonb_array_length(p_artifact -> 'decisions'),
    'executions', jsonb_array_length(p_artifact -> 'executions') - skipped,
    'skipped_executions', skipped);
  perform private.audit(active, 'chenu.import', 'thread', new_thread, counts || jsonb_build_object(
    'source', p_artifact -> 'source', 'source_tokens_consumed', p_artifact #> '{budget,tokensConsumed}',
    'source_audit_head', p_artifact #> '{audit,chainHead}', 'exported_at', p_artifact -> 'exportedAt'));
  return counts;
end;
$$;
grant execute on function private.chenu_import_thread(p_dataspace_id uuid, p_artifact jsonb) to authenticated, service_role;

/**
 * Records an uploaded file (restated from 20261206200300): into a dataspace the active identity owns,
 * as before, or one it is an editor (or host) of, as the dataspace owner's row (the tenant). The path
 * is derived here (`<tenant>/<file id>`), never chosen by a client; any other dataspace is a 23503,
 * like one that does not exist.
 */
create function private.create_file(p_id uuid, p_dataspace_id uuid, p_name text, p_mime_type text, p_size_bytes bigint, p_sha256 text, p_storage_backend text)
 returns public.files
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  active uuid := private.active_identity_id();
  tenant uuid := active;
  f public.files;
begin
  if active is null then
    raise exception 'no active identity in the request' using errcode = '42501';
  end if;
  if coalesce(private.role_rank(private.dataspace_role(p_dataspace_id, active)), 0) >= 3 then
    select d.identity_id into tenant from public.dataspaces d where d.id = p_dataspace_id;
  end if;
  insert into public.files
    (id, identity_id, dataspace_id, name, mime_type, size_bytes, sha256, storage_backend, storage_path)
  values (p_id, tenant, p_dataspace_id, p_name, p_mime_type, p_size_bytes, p_sha256, p_storage_backend,
          tenant::text || '/' || p_id::text)
  returning * into f;
  return f;
end;
$$;
grant execute on function private.create_file(p_id uuid, p_dataspace_id uuid, p_name text, p_mime_type text, p_size_bytes bigint, p_sha256 text, p_storage_backend text) to authenticated, service_role;

/** Law 1 and law 7 as a trigger: owner never changes; agent items are inserted as proposals only. */
create function private.guard_memory_item()
 returns trigger
 language plpgsql
 set search_path to ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.origin = 'agent' and new.status <> 'proposed' then
      raise exception 'memory law 7: an agent may only propose a memory item' using errcode = '23514';
    end if;
    return new;
  end if;
  if new.identity_id <> old.identity_id or new.user_id <> old.user_id then
    raise exception 'memory law 1: a memory item''s identity never changes' using errcode = '23514';
  end if;
  if old.status = 'forgotten' and new.status <> 'forgotten' then
    raise exception 'memory law 5: a forgotten item cannot come back' using errcode = '23514';
  end if;
  return new;
end;
$$;

/** New messages and decisions mark their thread as active (Nova's "stale thread" signal). */
create function private.touch_thread_activity()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  update public.threads t set last_activity_at = now() where t.id = new.thread_id;
  return null;
end;
$$;

/** Law 5: the human corrects an item; the tombstone and the audit rows are written with it. */
create function public.correct_memory_item(p_id uuid, p_content text)
 returns table(id uuid, identity_id uuid, dataspace_id uuid, thread_id uuid, source_type text, source_id uuid, kind text, content text, sensitive boolean, status text, origin text, proposed_by_execution_id uuid, expires_at timestamptz, forgotten_at timestamptz, created_at timestamptz, updated_at timestamptz)
 language plpgsql
 set search_path to ''
as $$
#variable_conflict use_column
declare
  old_content text;
  tenant uuid;
begin
  select m.content into old_content from public.memory_items m where m.id = p_id and m.status <> 'forgotten' for update;
  if not found then
    raise exception 'memory item % not found', p_id using errcode = 'P0002';
  end if;
  update public.memory_items m set content = p_content where m.id = p_id returning m.identity_id into tenant;
  insert into public.memory_corrections (identity_id, memory_item_id, kind, previous_content_sha256)
  values (tenant, p_id, 'correct', encode(sha256(convert_to(old_content, 'UTF8')), 'hex'));
  perform private.audit_memory_change(p_id, 'memory.corrected');
  return query
    select m.id, m.identity_id, m.dataspace_id, m.thread_id, m.source_type, m.source_id, m.kind, m.content,
           m.sensitive, m.status, m.origin, m.proposed_by_execution_id, m.expires_at, m.forgotten_at, m.created_at,
           m.updated_at
    from public.memory_items m where m.id = p_id;
end;
$$;
revoke all on function public.correct_memory_item(p_id uuid, p_content text) from public, anon, authenticated;
grant execute on function public.correct_memory_item(p_id uuid, p_content text) to authenticated, service_role;

/** Law 5: the human forgets an item: its content is erased, a tombstone remains. */
create function public.forget_memory_item(p_id uuid)
 returns table(id uuid, identity_id uuid, dataspace_id uuid, thread_id uuid, source_type text, source_id uuid, kind text, content text, sensitive boolean, status text, origin text, proposed_by_execution_id uuid, expires_at timestamptz, forgotten_at timestamptz, created_at timestamptz, updated_at timestamptz)
 language plpgsql
 set search_path to ''
as $$
#variable_conflict use_column
declare
  old_content text;
  tenant uuid;
begin
  select m.content into old_content from public.memory_items m where m.id = p_id and m.status <> 'forgotten' for update;
  if not found then
    raise exception 'memory item % not found', p_id using errcode = 'P0002';
  end if;
  update public.memory_items m
  set content = '', status = 'forgotten', forgotten_at = now()
  where m.id = p_id returning m.identity_id into tenant;
  insert into public.memory_corrections (identity_id, memory_item_id, kind, previous_content_sha256)
  values (tenant, p_id, 'forget', encode(sha256(convert_to(old_content, 'UTF8')), 'hex'));
  perform private.audit_memory_change(p_id, 'memory.forgotten');
  return query
    select m.id, m.identity_id, m.dataspace_id, m.thread_id, m.source_type, m.source_id, m.kind, m.content,
           m.sensitive, m.status, m.origin, m.proposed_by_execution_id, m.expires_at, m.forgotten_at, m.created_at,
           m.updated_at
    from public.memory_items m where m.id = p_id;
end;
$$;
revoke all on function public.forget_memory_item(p_id uuid) from public, anon, authenticated;
grant execute on function public.forget_memory_item(p_id uuid) to authenticated, service_role;
