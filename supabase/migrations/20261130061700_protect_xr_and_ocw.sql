/**
 * XR rooms, avatars, anchors, objects and OCW sessions: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.xr_rooms ---------------------------------------------------------------------------------
create policy "Identities can create own or elevated xr rooms" on public.xr_rooms for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(4))::uuid[]))));
create policy "Identities can delete own or elevated xr rooms" on public.xr_rooms for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(4))::uuid[]))));
create policy "Identities can update own or elevated xr rooms" on public.xr_rooms for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(4))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(4))::uuid[]))));
create policy "Identities can view own or elevated xr rooms" on public.xr_rooms for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and ((dataspace_id = any ((select private.shared_dataspace_ids(1))::uuid[])) or (meeting_id = any ((select private.invited_meeting_ids(1))::uuid[])))));
revoke all on table public.xr_rooms from anon, authenticated;
grant select, insert, update, delete on table public.xr_rooms to authenticated;
grant all on table public.xr_rooms to service_role;

-- public.xr_avatars -------------------------------------------------------------------------------
create policy "Identities can create own or elevated xr avatars" on public.xr_avatars for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated xr avatars" on public.xr_avatars for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can update own or elevated xr avatars" on public.xr_avatars for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated xr avatars" on public.xr_avatars for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.xr_avatars from anon, authenticated;
grant select, delete on table public.xr_avatars to authenticated;
grant all on table public.xr_avatars to service_role;
grant insert (id, identity_id, display_name, color, model, last_room_id, last_pose) on table public.xr_avatars to authenticated;
grant update (display_name, color, model, last_room_id, last_pose) on table public.xr_avatars to authenticated;

-- public.spatial_anchors --------------------------------------------------------------------------
create policy "Identities can view own or elevated spatial anchors" on public.spatial_anchors for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select r.dataspace_id
   from public.xr_rooms r
  where (r.id = spatial_anchors.room_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.spatial_anchors from anon, authenticated;
grant select on table public.spatial_anchors to authenticated;
grant all on table public.spatial_anchors to service_role;

-- public.spatial_objects --------------------------------------------------------------------------
create policy "Identities can view own or elevated spatial objects" on public.spatial_objects for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select r.dataspace_id
   from public.xr_rooms r
  where (r.id = spatial_objects.room_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.spatial_objects from anon, authenticated;
grant select on table public.spatial_objects to authenticated;
grant all on table public.spatial_objects to service_role;

-- public.ocw_sessions -----------------------------------------------------------------------------
create policy "Identities can create own or elevated ocw sessions" on public.ocw_sessions for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = ocw_sessions.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated ocw sessions" on public.ocw_sessions for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = ocw_sessions.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated ocw sessions" on public.ocw_sessions for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = ocw_sessions.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = ocw_sessions.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated ocw sessions" on public.ocw_sessions for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = ocw_sessions.workspace_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.ocw_sessions from anon, authenticated;
grant select, insert, update, delete on table public.ocw_sessions to authenticated;
grant all on table public.ocw_sessions to service_role;
