/**
 * Shared spaces (issue 14), part 4: rooms admit members and meeting seats by role, through the one
 * admission function of issue 13 (`private.room_access`), and learn when a membership changes.
 *
 * `room_access` keeps its rule (security invoker: RLS decides whether the identity sees the room's
 * resource at all; the role comes from the database) and now also answers from memberships:
 * - the owner is host; a member's role in the room depends on the room kind:
 *     spatial (dataspace): host -> moderator, editor/participant -> participant, viewer -> viewer;
 *     workspace:           host -> moderator, editor -> participant, participant/viewer -> viewer
 *                          (only editors edit workspaces);
 *     meeting:             host -> moderator, editor/participant -> participant, viewer -> viewer;
 *   the owner stays the one `host` a room has, whom nobody moderates;
 * - a meeting's participant list (the seats invitations and links give) may raise that role while
 *   the meeting is scheduled or live;
 * - a live elevation gives what it gave (participant for write, viewer for read), when it ranks higher;
 * - the new column `access` says why: owner, host, editor, participant, viewer (a membership),
 *   seat (the meeting's participant list only), elevated, or self (a presence channel);
 *   the rooms show it beside each person.
 * A membership never lapses by itself, so `access_until` stays the elevation's expiry (or null).
 *
 * Access events: a membership inserted, deleted or given another role appends `access:identity:<member>`
 * to the realtime outbox, so every seat of that identity is asked again within the relay's tick.
 * Invitations and links change access only through memberships and participant rows (whose changes
 * already reach the meeting's room on `access:meeting:<id>`); ending or cancelling a meeting
 * already sends its event.
 */

drop function private.room_access(text, uuid);

/** Who may sit in a realtime room, and as what (see the migration's comment). */
create function private.room_access(p_kind text, p_resource uuid)
returns table (role text, owner_identity_id uuid, access_until timestamptz, access text)
language plpgsql stable security invoker
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  owner uuid;
  sphere uuid;
  ds uuid;
  write_until timestamptz;
  read_until timestamptz;
  listed text;
  member_role text;
  room_role text;
  why text;
  ranks constant text[] := array['viewer', 'participant', 'moderator', 'host'];
  elevated_role text;
  meeting_status text;
begin
  if active is null or p_resource is null then
    return;
  end if;
  case p_kind
    when 'presence' then
      if p_resource = active then
        return query select 'host'::text, active, null::timestamptz, 'self'::text;
      end if;
      return;
    when 'dataspace' then
      select d.identity_id, d.sphere_id, d.id into owner, sphere, ds
      from public.dataspaces d where d.id = p_resource and d.archived_at is null;
    when 'workspace' then
      select w.identity_id, w.dataspace_id into owner, ds
      from public.workspaces w where w.id = p_resource;
    when 'meeting' then
      select m.identity_id, m.dataspace_id, m.status into owner, ds, meeting_status
      from public.meetings m where m.id = p_resource and m.status <> 'cancelled';
      -- a seat counts while the meeting is scheduled or live (as RLS's invited_meeting_ids)
      if meeting_status in ('scheduled', 'live') then
        listed := private.meeting_listed_role(p_resource);
      end if;
    else
      raise exception 'room_access: unknown room kind %', p_kind using errcode = '22023';
  end case;
  if owner is null then
    return;
  end if;
  if owner = active then
    return query select 'host'::text, owner, null::timestamptz, 'owner'::text;
    return;
  end if;

  member_role := private.dataspace_role(ds, active);
  if member_role is not null then
    why := member_role;
    room_role := case
      when member_role = 'host' then 'moderator'
      when p_kind = 'workspace' then case when member_role = 'editor' then 'participant' else 'viewer' end
      when member_role = 'viewer' then 'viewer'
      else 'participant' end;
  end if;
  if listed is not null then
    listed := case when listed = 'host' then 'moderator' else listed end;
    if room_role is null or array_position(ranks, listed) > array_position(ranks, room_role) then
      room_role := listed;
      why := coalesce(why, 'seat');
    end if;
  end if;

  write_until := private.elevation_until(owner, 'write', sphere, ds);
  -- a write grant answers first: when it lapses the room asks again, and a read grant may remain
  read_until := coalesce(write_until, private.elevation_until(owner, 'read', sphere, ds));
  if read_until is not null then
    elevated_role := case when write_until is not null then 'participant' else 'viewer' end;
    if room_role is null or array_position(ranks, elevated_role) > array_position(ranks, room_role) then
      room_role := elevated_role;
      why := 'elevated';
    elsif why <> 'elevated' then
      -- the membership or seat answers; it does not lapse
      read_until := null;
    end if;
  end if;
  if room_role is null then
    return; -- visible without anything that gives a role: no seat
  end if;
  return query select room_role, owner, case when why = 'elevated' then read_until end, why;
end;
$$;

revoke execute on function private.room_access(text, uuid) from public, anon;
grant execute on function private.room_access(text, uuid) to authenticated, service_role;

/** Appends an access event for one row change to the realtime outbox (adds memberships). */
create or replace function private.notify_room_access() returns trigger
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
    when 'dataspace_members' then access_key := 'access:identity:' || rec.member_identity_id;
    else raise exception 'notify_room_access: no routing for table %', tg_table_name;
  end case;
  insert into private.realtime_outbox (payload)
  values (jsonb_build_object(
    'table', tg_table_name, 'op', tg_op, 'id', rec.id, 'identityId', null,
    'keys', jsonb_build_array(access_key), 'data', '{}'::jsonb)::text);
  return null;
end;
$$;

create trigger dataspace_members_notify_room_access
  after insert or delete on public.dataspace_members
  for each row execute function private.notify_room_access();
create trigger dataspace_members_update_notify_room_access
  after update of role, member_identity_id on public.dataspace_members
  for each row when (old.role is distinct from new.role or old.member_identity_id is distinct from new.member_identity_id)
  execute function private.notify_room_access();

