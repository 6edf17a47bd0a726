/**
 * Nova and the bureau: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.nova_contexts ----------------------------------------------------------------------------
create policy "Identities can create own or elevated Nova contexts" on public.nova_contexts for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, current_sphere_id, current_dataspace_id)));
create policy "Identities can delete own or elevated Nova contexts" on public.nova_contexts for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, current_sphere_id, current_dataspace_id)));
create policy "Identities can update own or elevated Nova contexts" on public.nova_contexts for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, current_sphere_id, current_dataspace_id)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, current_sphere_id, current_dataspace_id)));
create policy "Identities can view own or elevated Nova contexts" on public.nova_contexts for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, current_sphere_id, current_dataspace_id)));
revoke all on table public.nova_contexts from anon, authenticated;
grant select, insert, update, delete on table public.nova_contexts to authenticated;
grant all on table public.nova_contexts to service_role;

-- public.nova_guidance_history --------------------------------------------------------------------
create policy "Identities can create own or elevated Nova guidance history" on public.nova_guidance_history for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated Nova guidance history" on public.nova_guidance_history for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated Nova guidance history" on public.nova_guidance_history for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.nova_guidance_history from anon, authenticated;
grant select, insert, delete on table public.nova_guidance_history to authenticated;
grant all on table public.nova_guidance_history to service_role;

-- public.bureau_configurations --------------------------------------------------------------------
create policy "Identities can create own or elevated bureau configurations" on public.bureau_configurations for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, null::uuid)));
create policy "Identities can delete own or elevated bureau configurations" on public.bureau_configurations for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, null::uuid)));
create policy "Identities can update own or elevated bureau configurations" on public.bureau_configurations for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, null::uuid)));
create policy "Identities can view own or elevated bureau configurations" on public.bureau_configurations for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, sphere_id, null::uuid)));
revoke all on table public.bureau_configurations from anon, authenticated;
grant select, insert, update, delete on table public.bureau_configurations to authenticated;
grant all on table public.bureau_configurations to service_role;
