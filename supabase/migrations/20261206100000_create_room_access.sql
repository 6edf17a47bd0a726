/**
 * Realtime room admission gets one home in the database. Rooms used to compute the role of an
 * entrant from the join options a client sent, in TypeScript, once at the door; a client could name
 * one resource and be seated in another room (issue 13). Now every room asks
 * `private.room_access(kind, resource)` about the room it is (its own resource id), as the entrant
 * (withUser: RLS decides what the identity can see), at the door and again whenever access may
 * have changed (migration 20261206100100 sends those events).
 */

/**
 * When the active identity's live grant of at least `p_permission` on a row owned by `p_owner`
 * lapses: the latest `expires_at` among its approved grants covering the whole identity, the row's
 * sphere or the row's dataspace; null when no grant covers it. The same predicate as
 * `private.elevated` (test/db/roomAccess.test.ts checks they agree), which stays as it is because
 * every RLS policy calls it per row.
 */
create function private.elevation_until(
  p_owner uuid, p_permission text, p_sphere uuid default null, p_dataspace uuid default null
) returns timestamptz
language plpgsql stable security definer
set search_path = ''
as $$
declare
  active uuid := private.active_identity_id();
  sphere uuid := p_sphere;
  until timestamptz;
begin
  if active is null or p_owner is null or active = p_owner then
    return null;
  end if;
  if sphere is null and p_dataspace is not null then
    select d.sphere_id into sphere from public.dataspaces d where d.id = p_dataspace;
  end if;
  select max(e.expires_at) into until
  from public.elevation_requests e
  where e.requester_identity_id = active
    and e.target_identity_id = p_owner
    and e.status = 'approved'
    and e.expires_at > now()
    and (e.permission = 'write' or p_permission = 'read')
    and (e.scope_type = 'identity'
         or (e.scope_type = 'sphere' and e.scope_id = sphere)
         or (e.scope_type = 'dataspace' and e.scope_id = p_dataspace));
  return until;
end;
$$;

/**
 * The role a meeting's participant list gives the active identity, or null. Participant rows
 * belong to the meeting's owner, so an invitee cannot read them under RLS; this reads only the
 * invitee's own row.
 */
create function private.meeting_listed_role(p_meeting uuid) returns text
language plpgsql stable security definer
set search_path = ''
as $$
declare
  listed text;
begin
  select p.role into listed
  from public.meeting_participants p
  where p.meeting_id = p_meeting and p.participant_identity_id = private.active_identity_id();
  return listed;
end;
$$;

/**
 * Who may sit in a realtime room, and as what. `p_kind` is the room kind ('dataspace' for a
 * spatial room, 'workspace', 'meeting', 'presence') and `p_resource` the id of the room's own
 * resource. No row: no access (RLS hides the resource, it is archived or cancelled, or nothing
 * grants the identity a role). Otherwise `role` is host (the owner, or a presence channel's own
 * identity), participant (a live write elevation), viewer (a live read elevation), or what a
 * meeting's participant list says; `access_until` is when this answer may change by itself (the
 * expiry of the grant it rests on; a write grant first), null when it cannot; `owner_identity_id` is the identity the room's writes belong to.
 *
 * Security invoker on purpose: the resource is read as the caller, so RLS decides whether the
 * identity can see it; only the role's details come from the definer helpers above. Memberships
 * (issue 14) extend this function; rooms never decide a role themselves.
 */
create function private.room_access(p_kind text, p_resource uuid)
returns table (role text, owner_identity_id uuid, access_until timestamptz)
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
begin
  if active is null or p_resource is null then
    return;
  end if;
  case p_kind
    when 'presence' then
      if p_resource = active then
        return query select 'host'::text, active, null::timestamptz;
      end if;
      return;
    when 'dataspace' then
      select d.identity_id, d.sphere_id, d.id into owner, sphere, ds
      from public.dataspaces d where d.id = p_resource and d.archived_at is null;
    when 'workspace' then
      select w.identity_id, w.dataspace_id into owner, ds
      from public.workspaces w where w.id = p_resource;
    when 'meeting' then
      select m.identity_id, m.dataspace_id into owner, ds
      from public.meetings m where m.id = p_resource and m.status <> 'cancelled';
      listed := private.meeting_listed_role(p_resource);
    else
      raise exception 'room_access: unknown room kind %', p_kind using errcode = '22023';
  end case;
  if owner is null then
    return;
  end if;
  if owner = active then
    return query select 'host'::text, owner, null::timestamptz;
    return;
  end if;
  write_until := private.elevation_until(owner, 'write', sphere, ds);
  -- a write grant answers first: when it lapses the room asks again, and a read grant may remain
  read_until := coalesce(write_until, private.elevation_until(owner, 'read', sphere, ds));
  if read_until is null then
    return; -- visible without a grant that gives a role: no seat
  end if;
  return query select
    coalesce(listed, case when write_until is not null then 'participant' else 'viewer' end), owner, read_until;
end;
$$;

revoke execute on function private.elevation_until(uuid, text, uuid, uuid),
  private.meeting_listed_role(uuid), private.room_access(text, uuid) from public, anon;
grant execute on function private.elevation_until(uuid, text, uuid, uuid),
  private.meeting_listed_role(uuid), private.room_access(text, uuid) to authenticated, service_role;
