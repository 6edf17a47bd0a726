/**
 * Rooms learn when someone's access may have ended, so they ask `private.room_access` again and
 * evict within seconds (issue 13): a grant revoked, approved, changed or deleted; an identity
 * deleted (directly, or with its user); a dataspace archived, moved or deleted; a workspace moved or
 * deleted; a meeting cancelled, moved or deleted; a meeting's participant list changed. The events
 * take the realtime outbox and relay (migration 20261127070000) on routing keys of their own:
 * `access:identity:<id>` (every seat of that identity) and `access:<kind>:<id>` (every seat of
 * that room). They carry no data: a room re-asks the database, never trusts the event.
 * A grant that simply reaches its `expires_at` changes no row: rooms set a timer for it instead
 * (`access_until` of room_access).
 */

/** Appends an access event for one row change to the realtime outbox. */
create function private.notify_room_access() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare
  rec record := case when tg_op = 'DELETE' then old else new end;
  access_key text;
begin
  -- a case statement, not an expression: each branch reads only its own table's fields
  case tg_table_name
    when 'elevation_requests' then access_key := 'access:identity:' || rec.requester_identity_id;
    when 'identities' then access_key := 'access:identity:' || rec.id;
    when 'dataspaces' then access_key := 'access:dataspace:' || rec.id;
    when 'workspaces' then access_key := 'access:workspace:' || rec.id;
    when 'meetings' then access_key := 'access:meeting:' || rec.id;
    when 'meeting_participants' then access_key := 'access:meeting:' || rec.meeting_id;
    else raise exception 'notify_room_access: no routing for table %', tg_table_name;
  end case;
  insert into private.realtime_outbox (payload)
  values (jsonb_build_object(
    'table', tg_table_name, 'op', tg_op, 'id', rec.id, 'identityId', null,
    'keys', jsonb_build_array(access_key), 'data', '{}'::jsonb)::text);
  return null;
end;
$$;

revoke execute on function private.notify_room_access() from public, anon, authenticated;

create trigger elevation_requests_notify_room_access
  after insert on public.elevation_requests
  for each row when (new.status = 'approved')
  execute function private.notify_room_access();
create trigger elevation_requests_update_notify_room_access
  after update on public.elevation_requests
  for each row when (old.status is distinct from new.status
                     or old.expires_at is distinct from new.expires_at
                     or old.permission is distinct from new.permission
                     or old.scope_type is distinct from new.scope_type
                     or old.scope_id is distinct from new.scope_id)
  execute function private.notify_room_access();
create trigger elevation_requests_delete_notify_room_access
  after delete on public.elevation_requests
  for each row when (old.status = 'approved')
  execute function private.notify_room_access();

create trigger identities_delete_notify_room_access
  after delete on public.identities
  for each row execute function private.notify_room_access();

create trigger dataspaces_update_notify_room_access
  after update of identity_id, sphere_id, archived_at on public.dataspaces
  for each row when (old.identity_id is distinct from new.identity_id
                     or old.sphere_id is distinct from new.sphere_id
                     or old.archived_at is distinct from new.archived_at)
  execute function private.notify_room_access();
create trigger dataspaces_delete_notify_room_access
  after delete on public.dataspaces
  for each row execute function private.notify_room_access();

create trigger workspaces_update_notify_room_access
  after update of identity_id, dataspace_id on public.workspaces
  for each row when (old.identity_id is distinct from new.identity_id
                     or old.dataspace_id is distinct from new.dataspace_id)
  execute function private.notify_room_access();
create trigger workspaces_delete_notify_room_access
  after delete on public.workspaces
  for each row execute function private.notify_room_access();

create trigger meetings_update_notify_room_access
  after update of status, identity_id, dataspace_id on public.meetings
  for each row when (old.status is distinct from new.status
                     or old.identity_id is distinct from new.identity_id
                     or old.dataspace_id is distinct from new.dataspace_id)
  execute function private.notify_room_access();
create trigger meetings_delete_notify_room_access
  after delete on public.meetings
  for each row execute function private.notify_room_access();

create trigger meeting_participants_notify_room_access
  after insert or delete on public.meeting_participants
  for each row execute function private.notify_room_access();
create trigger meeting_participants_update_notify_room_access
  after update of role, participant_identity_id on public.meeting_participants
  for each row when (old.role is distinct from new.role
                     or old.participant_identity_id is distinct from new.participant_identity_id)
  execute function private.notify_room_access();
