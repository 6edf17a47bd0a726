/**
 * The client's entry points to scope locks (`POST /governance/scope-lock`, release). The lock
 * functions of 20261127010000 are service-only and trust the identity they are given; these
 * wrappers take it from the request's ACTIVE identity instead, and lock only what that identity
 * owns: a thread (its dataspace and that thread), a whole dataspace, or the scope of one of its
 * agent runs. Anything else, including rows an elevation merely lets it read, is "not found".
 */

/**
 * Locks a scope for the active identity: `p_thread` (the thread and its dataspace), else
 * `p_dataspace` (the dataspace, every thread of it), else the scope of run `p_execution`. With
 * `p_execution` the lock is recorded as that run's (one held lock per run: a second is a unique
 * violation). Returns the lock as private.scope_lock_acquire does.
 */
create function public.lock_scope(p_thread uuid, p_dataspace uuid, p_execution uuid) returns jsonb
language plpgsql volatile security definer
set search_path = ''
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

/**
 * Releases a lock of the active identity (idempotent) and returns it. A lock its run still holds
 * while the run is in flight is refused: backstage reads only inside a held lock (memory law 6).
 */
create function public.release_scope_lock(p_lock uuid) returns public.scope_locks
language plpgsql volatile security definer
set search_path = ''
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

revoke execute on function public.lock_scope(uuid, uuid, uuid), public.release_scope_lock(uuid)
from public, anon;
grant execute on function public.lock_scope(uuid, uuid, uuid), public.release_scope_lock(uuid)
to authenticated, service_role;
