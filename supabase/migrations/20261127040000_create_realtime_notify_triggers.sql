/**
 * Realtime fan-out: database changes the spatial rooms show live (new thread messages, decisions,
 * meeting tasks, notifications, token balances) are announced with pg_notify on one channel,
 * `chenu_realtime`. The payload is a small summary plus routing keys (`dataspace:<id>`,
 * `thread:<id>`, `meeting:<id>`, `identity:<id>`); it never carries row bodies, so a room only
 * learns that something changed and clients read the row through the API, where RLS decides.
 */

/**
 * Builds and sends the notification for one row change. security definer so that the routing
 * lookups (a message's dataspace through its thread, a task's meeting) see the parent rows
 * whatever the writer's role; the payload stays far below NOTIFY's 8000-byte limit.
 */
create function private.notify_realtime() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  rec record := case when tg_op = 'DELETE' then old else new end;
  keys text[] := '{}';
  data jsonb := '{}'::jsonb;
  ds uuid;
  owner uuid := null;
begin
  case tg_table_name
    when 'messages', 'decisions' then
      select t.dataspace_id into ds from public.threads t where t.id = rec.thread_id;
      owner := rec.identity_id;
      keys := array['thread:' || rec.thread_id, 'dataspace:' || ds, 'identity:' || rec.identity_id];
      data := jsonb_build_object('threadId', rec.thread_id, 'dataspaceId', ds);
    when 'meeting_tasks' then
      select m.dataspace_id into ds from public.meetings m where m.id = rec.meeting_id;
      owner := rec.identity_id;
      keys := array['meeting:' || rec.meeting_id, 'dataspace:' || ds];
      data := jsonb_build_object('meetingId', rec.meeting_id, 'title', left(rec.title, 200),
                                 'status', rec.status);
    when 'notifications' then
      owner := rec.identity_id;
      keys := array['identity:' || rec.identity_id];
      data := jsonb_build_object('kind', rec.kind, 'title', left(rec.title, 200));
    when 'token_accounts' then
      if rec.identity_id is null then
        return null; -- system accounts have no room
      end if;
      owner := rec.identity_id;
      keys := array['identity:' || rec.identity_id];
      data := jsonb_build_object('balance', rec.balance, 'reserved', rec.reserved);
    else
      raise exception 'notify_realtime: no routing for table %', tg_table_name;
  end case;
  perform pg_notify('chenu_realtime', jsonb_build_object(
    'table', tg_table_name, 'op', tg_op, 'id', rec.id, 'identityId', owner,
    'keys', to_jsonb(array_remove(keys, null)), 'data', data)::text);
  return null;
end;
$$;

create trigger messages_notify_realtime after insert on public.messages
  for each row execute function private.notify_realtime();
create trigger decisions_notify_realtime after insert or update of status on public.decisions
  for each row execute function private.notify_realtime();
create trigger meeting_tasks_notify_realtime after insert or update of status on public.meeting_tasks
  for each row execute function private.notify_realtime();
create trigger notifications_notify_realtime after insert on public.notifications
  for each row execute function private.notify_realtime();
create trigger token_accounts_notify_realtime after update of balance, reserved on public.token_accounts
  for each row execute function private.notify_realtime();
