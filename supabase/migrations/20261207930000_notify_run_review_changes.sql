/**
 * Why: the thread room and the thread panel list a thread's runs with their status, and read the list
 * again when the room says something changed. A run that is held for review, approved, rejected,
 * withdrawn or ends without an answer wrote nothing the room announced, so other people saw its old
 * status until they reloaded. These changes of a run that belongs to a thread are now announced
 * to the thread's dataspace (and thread) rooms, like a new message.
 *
 * The event names the thread and the dataspace only (no status, intent, agent or who asked): the
 * room's people read the run itself through the API, under its RLS, and someone in the room who may
 * not read that thread (a meeting seat of another thread) learns no more than a new message there
 * already tells. Not every status step is announced: the pipeline's own steps (encoding ... settling)
 * and `succeeded` (which writes the answer as a message, announced already) add nothing to what
 * the list shows and would put an outbox row on every step of every run.
 */
create function private.notify_run_changed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.thread_id is null then
    return null;
  end if;
  insert into private.realtime_outbox (payload)
  values (jsonb_build_object(
    'table', tg_table_name, 'op', tg_op, 'id', new.id, 'identityId', null,
    'keys', jsonb_build_array('thread:' || new.thread_id, 'dataspace:' || new.dataspace_id),
    'data', jsonb_build_object('threadId', new.thread_id, 'dataspaceId', new.dataspace_id))::text);
  return null;
end;
$$;
revoke all on function private.notify_run_changed() from public, anon, authenticated;

create trigger agent_executions_notify_review after update of status on public.agent_executions
  for each row
  when (old.status is distinct from new.status
        and new.status in ('awaiting_review', 'approved', 'rejected', 'cancelled', 'failed', 'refused'))
  execute function private.notify_run_changed();
