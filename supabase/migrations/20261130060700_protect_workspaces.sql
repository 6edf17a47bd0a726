/**
 * Workspaces and panels: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.workspaces -------------------------------------------------------------------------------
create policy "Identities can create own or elevated workspaces" on public.workspaces for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated workspaces" on public.workspaces for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated workspaces" on public.workspaces for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated workspaces" on public.workspaces for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.workspaces from anon, authenticated;
grant insert, update, delete on table public.workspaces to authenticated;
grant all on table public.workspaces to service_role;
grant select (id, identity_id, dataspace_id, name, layout, state, version, created_at, updated_at) on table public.workspaces to authenticated;

-- public.panels -----------------------------------------------------------------------------------
create policy "Identities can create own or elevated panels" on public.panels for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated panels" on public.panels for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated panels" on public.panels for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated panels" on public.panels for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = panels.workspace_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.panels from anon, authenticated;
grant select, insert, update, delete on table public.panels to authenticated;
grant all on table public.panels to service_role;

-- public.panel_states -----------------------------------------------------------------------------
create policy "Identities can create own or elevated panel states" on public.panel_states for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from (public.panels p
     join public.workspaces w on ((w.id = p.workspace_id)))
  where (p.id = panel_states.panel_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated panel states" on public.panel_states for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from (public.panels p
     join public.workspaces w on ((w.id = p.workspace_id)))
  where (p.id = panel_states.panel_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated panel states" on public.panel_states for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from (public.panels p
     join public.workspaces w on ((w.id = p.workspace_id)))
  where (p.id = panel_states.panel_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from (public.panels p
     join public.workspaces w on ((w.id = p.workspace_id)))
  where (p.id = panel_states.panel_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated panel states" on public.panel_states for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from (public.panels p
     join public.workspaces w on ((w.id = p.workspace_id)))
  where (p.id = panel_states.panel_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.panel_states from anon, authenticated;
grant select, insert, update, delete on table public.panel_states to authenticated;
grant all on table public.panel_states to service_role;

-- public.workspace_transformations ----------------------------------------------------------------
create policy "Identities can create own or elevated workspace transformations" on public.workspace_transformations for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated workspace transformations" on public.workspace_transformations for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated workspace transformations" on public.workspace_transformations for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated workspace transformations" on public.workspace_transformations for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_transformations.workspace_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.workspace_transformations from anon, authenticated;
grant select, insert, update, delete on table public.workspace_transformations to authenticated;
grant all on table public.workspace_transformations to service_role;

-- public.workspace_state_history ------------------------------------------------------------------
create policy "Identities can create own or elevated workspace states" on public.workspace_state_history for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated workspace states" on public.workspace_state_history for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated workspace states" on public.workspace_state_history for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated workspace states" on public.workspace_state_history for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, ( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id))))
     or ((select private.has_shares()) and (( select w.dataspace_id
   from public.workspaces w
  where (w.id = workspace_state_history.workspace_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.workspace_state_history from anon, authenticated;
grant select, insert, update, delete on table public.workspace_state_history to authenticated;
grant all on table public.workspace_state_history to service_role;
