/**
 * Realtime: outbox, notify triggers and room access: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/**
 * The role a meeting's participant list gives the active identity, or null. Participant rows
 * belong to the meeting's owner, so an invitee cannot read them under RLS; this reads only the
 * invitee's own row.
 */
create function private.meeting_listed_role(p_meeting uuid)
 returns text
 language plpgsql
 stable security definer
 set search_path to ''
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
grant execute on function private.meeting_listed_role(p_meeting uuid) to authenticated, service_role;

/**
 * The room's content changes live: a dataspace's memory items, workspaces and panels announce their
 * inserts, updates and deletes on its `dataspace:<id>` key, through the same outbox and relay as the
 * other realtime events (migration 20261127070000), so a spatial room's clients reload the cards
 * and panels another participant (or an agent) changed. The payload names the table, the row and
 * the dataspace, never the row's content: clients read it through the API, where RLS decides.
 */
create function private.notify_dataspace_content()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
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

/** Builds the notification for one row change and appends it to the outbox. */
create function private.notify_realtime()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
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
  insert into private.realtime_outbox (payload)
  values (jsonb_build_object(
    'table', tg_table_name, 'op', tg_op, 'id', rec.id, 'identityId', owner,
    'keys', to_jsonb(array_remove(keys, null)), 'data', data)::text);
  return null;
end;
$$;

/** Appends an access event for one row change to the realtime outbox (adds memberships). */
create function private.notify_room_access()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
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

/**
 * Publishes up to `p_limit` outbox entries, oldest first, on `chenu_realtime` in one transaction
 * and removes them; returns how many. Entries another relay is publishing are skipped.
 */
create function private.realtime_relay(p_limit integer default 500)
 returns integer
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  entry record;
  sent integer := 0;
begin
  if p_limit is null or p_limit < 1 then
    raise exception 'relay limit must be positive' using errcode = '22023';
  end if;
  for entry in
    with batch as (
      delete from private.realtime_outbox o
      where o.id in (select b.id from private.realtime_outbox b order by b.id limit p_limit for update skip locked)
      returning o.id, o.payload
    )
    select batch.payload from batch order by batch.id
  loop
    perform pg_notify('chenu_realtime', entry.payload);
    sent := sent + 1;
  end loop;
  return sent;
end;
$$;

/** Who may sit in a realtime room, and as what (see the migration's comment). */
create function private.room_access(p_kind text, p_resource uuid)
 returns table(role text, owner_identity_id uuid, access_until timestamptz, access text)
 language plpgsql
 stable
 set search_path to ''
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
grant execute on function private.room_access(p_kind text, p_resource uuid) to authenticated, service_role;

/**
 * Records where an identity's avatar stood in a spatial room when it left, creating the avatar
 * (named after the identity, default look) on first use. Keeps the `p_keep` most recent rooms so the
 * row stays small. Called by the realtime rooms (service role) only.
 */
create function private.save_avatar_room_pose(p_identity_id uuid, p_room_id uuid, p_position real[], p_orientation real[], p_keep integer default 64)
 returns void
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  entry jsonb := jsonb_build_object(
    'p', to_jsonb(p_position), 'q', to_jsonb(p_orientation),
    'at', floor(extract(epoch from now()) * 1000)::bigint);
begin
  if cardinality(p_position) <> 3 or cardinality(p_orientation) <> 4 then
    raise exception 'save_avatar_room_pose: a pose is 3 + 4 numbers' using errcode = '22023';
  end if;
  insert into public.xr_avatars (identity_id, display_name, color, room_poses)
  select i.id, left(i.name, 120), coalesce(nullif(i.color, ''), '#4f8cff'),
         jsonb_build_object(p_room_id::text, entry)
    from public.identities i where i.id = p_identity_id
  on conflict (identity_id) do update
    set room_poses = (
      select coalesce(jsonb_object_agg(k, v), '{}'::jsonb)
        from (select k, v
                from jsonb_each(public.xr_avatars.room_poses || jsonb_build_object(p_room_id::text, entry)) as e(k, v)
               order by (v ->> 'at')::bigint desc nulls last
               limit greatest(p_keep, 1)) kept);
end;
$$;
grant execute on function private.save_avatar_room_pose(p_identity_id uuid, p_room_id uuid, p_position real[], p_orientation real[], p_keep integer) to service_role;
