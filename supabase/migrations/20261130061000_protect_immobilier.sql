/**
 * Domain vertical: immobilier: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.properties -------------------------------------------------------------------------------
create policy "Identities can create own or elevated properties" on public.properties for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can delete own or elevated properties" on public.properties for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can update own or elevated properties" on public.properties for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can view own or elevated properties" on public.properties for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id)));
revoke all on table public.properties from anon, authenticated;
grant select, insert, update, delete on table public.properties to authenticated;
grant all on table public.properties to service_role;

-- public.property_units ---------------------------------------------------------------------------
create policy "Identities can create own or elevated property units" on public.property_units for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated property units" on public.property_units for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can update own or elevated property units" on public.property_units for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated property units" on public.property_units for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.property_units from anon, authenticated;
grant select, insert, update, delete on table public.property_units to authenticated;
grant all on table public.property_units to service_role;

-- public.tenants ----------------------------------------------------------------------------------
create policy "Identities can create own or elevated tenants" on public.tenants for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated tenants" on public.tenants for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can update own or elevated tenants" on public.tenants for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated tenants" on public.tenants for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.tenants from anon, authenticated;
grant select, insert, update, delete on table public.tenants to authenticated;
grant all on table public.tenants to service_role;

-- public.rent_payments ----------------------------------------------------------------------------
create policy "Identities can create own or elevated rent payments" on public.rent_payments for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated rent payments" on public.rent_payments for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can update own or elevated rent payments" on public.rent_payments for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated rent payments" on public.rent_payments for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.rent_payments from anon, authenticated;
grant select, insert, update, delete on table public.rent_payments to authenticated;
grant all on table public.rent_payments to service_role;
