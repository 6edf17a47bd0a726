/**
 * The room's content changes live: a dataspace's memory items, workspaces and panels announce their
 * inserts, updates and deletes on its `dataspace:<id>` key, through the same outbox and relay as the
 * other realtime events (migration 20261127070000), so a spatial room's clients reload the cards
 * and panels another participant (or an agent) changed. The payload names the table, the row and
 * the dataspace, never the row's content: clients read it through the API, where RLS decides.
 */

create function private.notify_dataspace_content() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  rec record := case when tg_op = 'DELETE' then old else new end;
  ds uuid;
begin
  if tg_table_name = 'panels' then
    select w.dataspace_id into ds from public.workspaces w where w.id = rec.workspace_id;
  else
    ds := rec.dataspace_id;
  end if;
  if ds is null then
    return null; -- a panel whose workspace went first (cascade): the workspace's own event covers it
  end if;
  insert into private.realtime_outbox (payload)
  values (jsonb_build_object(
    'table', tg_table_name, 'op', tg_op, 'id', rec.id, 'identityId', rec.identity_id,
    'keys', jsonb_build_array('dataspace:' || ds), 'data', jsonb_build_object('dataspaceId', ds))::text);
  return null;
end;
$$;

create trigger memory_items_notify_dataspace after insert or update or delete on public.memory_items
  for each row execute function private.notify_dataspace_content();
create trigger workspaces_notify_dataspace after insert or update or delete on public.workspaces
  for each row execute function private.notify_dataspace_content();
create trigger panels_notify_dataspace after insert or update or delete on public.panels
  for each row execute function private.notify_dataspace_content();

revoke execute on function private.notify_dataspace_content() from public, anon, authenticated;
