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
create function public.chenu_import_thread(p_dataspace_id uuid, p_artifact jsonb) returns jsonb
language plpgsql security definer
set search_path = ''
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
revoke execute on function public.chenu_import_thread(uuid, jsonb) from public, anon;
grant execute on function public.chenu_import_thread(uuid, jsonb) to authenticated, service_role;
