/**
 * Avatar persistence per room (issue 16). `xr_avatars.last_room_id` can only name one of the
 * identity's own rooms (composite key), so a member's pose in someone else's dataspace room had
 * nowhere to go. `room_poses` keeps, per spatial room the identity was seated in (key: xr_rooms.id),
 * where its head last stood: `{"p": [x, y, z], "q": [x, y, z, w], "at": epoch ms}`. Only the realtime
 * rooms write it (system work, on leave); a client may still change its own look (display name,
 * colour, model) under RLS, never the poses: column privileges below.
 */
alter table public.xr_avatars
  add column room_poses jsonb not null default '{}'::jsonb
    check (jsonb_typeof(room_poses) = 'object' and pg_column_size(room_poses) <= 32768);

comment on column public.xr_avatars.room_poses is
  'Last head pose per spatial room (xr_rooms.id → {p, q, at}); written by the realtime rooms only.';

revoke insert, update on table public.xr_avatars from authenticated;
grant insert (id, identity_id, display_name, color, model, last_room_id, last_pose)
  on table public.xr_avatars to authenticated;
grant update (display_name, color, model, last_room_id, last_pose) on table public.xr_avatars to authenticated;

/**
 * Records where an identity's avatar stood in a spatial room when it left, creating the avatar
 * (named after the identity, default look) on first use. Keeps the `p_keep` most recent rooms so the
 * row stays small. Called by the realtime rooms (service role) only.
 */
create function private.save_avatar_room_pose(
  p_identity_id uuid,
  p_room_id uuid,
  p_position real[],
  p_orientation real[],
  p_keep integer default 64
) returns void
language plpgsql
security definer
set search_path = ''
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
revoke all on function private.save_avatar_room_pose(uuid, uuid, real[], real[], integer) from public, anon, authenticated;
grant execute on function private.save_avatar_room_pose(uuid, uuid, real[], real[], integer) to service_role;
