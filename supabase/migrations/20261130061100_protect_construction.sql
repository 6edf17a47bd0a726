/**
 * Domain vertical: construction: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.construction_projects --------------------------------------------------------------------
create policy "Identities can create own or elevated construction projects" on public.construction_projects for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can delete own or elevated construction projects" on public.construction_projects for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can update own or elevated construction projects" on public.construction_projects for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can view own or elevated construction projects" on public.construction_projects for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id)));
revoke all on table public.construction_projects from anon, authenticated;
grant select, insert, update, delete on table public.construction_projects to authenticated;
grant all on table public.construction_projects to service_role;

-- public.construction_estimates -------------------------------------------------------------------
create policy "Identities can create own or elevated construction estimates" on public.construction_estimates for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated construction estimates" on public.construction_estimates for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can update own or elevated construction estimates" on public.construction_estimates for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated construction estimates" on public.construction_estimates for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.construction_estimates from anon, authenticated;
grant select, insert, update, delete on table public.construction_estimates to authenticated;
grant all on table public.construction_estimates to service_role;

-- public.estimate_line_items ----------------------------------------------------------------------
create policy "Identities can create own or elevated estimate line items" on public.estimate_line_items for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated estimate line items" on public.estimate_line_items for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can update own or elevated estimate line items" on public.estimate_line_items for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated estimate line items" on public.estimate_line_items for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.estimate_line_items from anon, authenticated;
grant select, insert, update, delete on table public.estimate_line_items to authenticated;
grant all on table public.estimate_line_items to service_role;
