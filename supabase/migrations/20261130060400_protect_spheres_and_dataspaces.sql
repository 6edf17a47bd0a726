/**
 * Spheres, domains and dataspaces: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.spheres ----------------------------------------------------------------------------------
create policy "Identities can create own or elevated spheres" on public.spheres for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, id, null::uuid)));
create policy "Identities can delete own or elevated spheres" on public.spheres for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, id, null::uuid)));
create policy "Identities can update own or elevated spheres" on public.spheres for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, id, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, id, null::uuid)));
create policy "Identities can view own or elevated spheres" on public.spheres for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, id, null::uuid)));
revoke all on table public.spheres from anon, authenticated;
grant select, insert, update, delete on table public.spheres to authenticated;
grant all on table public.spheres to service_role;

-- public.domains ----------------------------------------------------------------------------------
create policy "Identities can create own or elevated domains" on public.domains for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, null::uuid)));
create policy "Identities can delete own or elevated domains" on public.domains for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, null::uuid)));
create policy "Identities can update own or elevated domains" on public.domains for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, null::uuid)));
create policy "Identities can view own or elevated domains" on public.domains for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, sphere_id, null::uuid)));
revoke all on table public.domains from anon, authenticated;
grant select, insert, update, delete on table public.domains to authenticated;
grant all on table public.domains to service_role;

-- public.dataspaces -------------------------------------------------------------------------------
create policy "Identities can create own or elevated dataspaces" on public.dataspaces for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, id)));
create policy "Identities can delete own or elevated dataspaces" on public.dataspaces for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, id)));
create policy "Identities can update own or elevated dataspaces" on public.dataspaces for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, id)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, sphere_id, id)));
create policy "Identities can view own or elevated dataspaces" on public.dataspaces for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, sphere_id, id))
     or ((select private.has_shares()) and (id = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.dataspaces from anon, authenticated;
grant insert, update, delete on table public.dataspaces to authenticated;
grant all on table public.dataspaces to service_role;
grant select (id, identity_id, sphere_id, domain_id, name, description, kind, archived_at, created_at, updated_at) on table public.dataspaces to authenticated;
