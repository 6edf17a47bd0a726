/**
 * The governed pipeline's database side (issue 3): the request fingerprint that makes an
 * idempotency key safe on runs and workflow runs, and the functions that make a scope lock real.
 * A run's agent context is gathered only by private.backstage_gather, which reads nothing outside
 * the run's held lock (memory law 6), never hands a sensitive item to an external agent (law 8),
 * skips forgotten and expired items (laws 5 and 9) and audits every memory item it reads (law 10).
 * Called by the server's pipeline with the service role only.
 */

-- a retry with the same idempotency key but another request is refused, not replayed
alter table public.agent_executions
  add column request_hash text check (request_hash ~ '^[0-9a-f]{64}$');
alter table public.oneclick_executions
  add column request_hash text check (request_hash ~ '^[0-9a-f]{64}$');

/**
 * Step 6 of the pipeline: freezes what run `p_execution` may touch: the given dataspaces and threads
 * of `p_identity` and the memory items inside them that are committed and unexpired right now
 * (thread-level items of the locked threads plus dataspace-level items; every item of the dataspace
 * when no thread is locked). Marks the threads `scope_locked`. Refuses ids of another identity.
 * Returns the lock and which of its memory items are sensitive (the matcher needs it for law 8).
 */
create function private.scope_lock_acquire(
  p_identity uuid, p_execution uuid, p_thread uuid, p_dataspace_ids uuid[], p_thread_ids uuid[]
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

/**
 * Ends a held lock (idempotent: a released lock stays as it was). A thread stays `scope_locked`
 * while another held lock still covers it.
 */
create function private.scope_lock_release(p_lock uuid) returns void
language plpgsql security definer
set search_path = ''
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

/**
 * Backstage: builds a run's agent context from its HELD scope lock only (law 6) and records it as a
 * backstage_contexts row. `p_needs` names the parts the task uses ('messages', 'decisions',
 * 'meeting_notes', 'line_items', 'memory'). Memory items are re-checked at read time (still
 * committed, unexpired), sensitive ones are withheld from an external agent (law 8), and each item
 * read is audited (law 10). Refuses a lock that is missing or released.
 */
create function private.backstage_gather(p_lock uuid, p_needs text[], p_external boolean) returns jsonb
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
            order by m.created_at desc, m.id limit 200) m), '[]'::jsonb));
  end if;
  if 'decisions' = any(p_needs) then
    ctx := ctx || jsonb_build_object('decisions', coalesce((
      select jsonb_agg(jsonb_build_object('id', d.id, 'title', d.title, 'status', d.status) order by d.created_at, d.id)
      from public.decisions d
      where d.thread_id = any(lock_row.thread_ids) and d.identity_id = lock_row.identity_id), '[]'::jsonb));
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

revoke execute on function
  private.scope_lock_acquire(uuid, uuid, uuid, uuid[], uuid[]),
  private.scope_lock_release(uuid),
  private.backstage_gather(uuid, text[], boolean)
from public, anon, authenticated;
grant execute on function
  private.scope_lock_acquire(uuid, uuid, uuid, uuid[], uuid[]),
  private.scope_lock_release(uuid),
  private.backstage_gather(uuid, text[], boolean)
to service_role;
