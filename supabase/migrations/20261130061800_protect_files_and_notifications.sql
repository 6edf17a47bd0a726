/**
 * Files, notifications and the realtime outbox: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.files ------------------------------------------------------------------------------------
create policy "Identities can create own or elevated files" on public.files for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated files" on public.files for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated files" on public.files for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated files" on public.files for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.files from anon, authenticated;
grant select, delete on table public.files to authenticated;
grant all on table public.files to service_role;
grant insert (id, identity_id, dataspace_id, name, mime_type, created_at, updated_at) on table public.files to authenticated;
grant update (id, identity_id, dataspace_id, name, mime_type, created_at, updated_at) on table public.files to authenticated;

-- public.notifications ----------------------------------------------------------------------------
create policy "Identities can create own or elevated notifications" on public.notifications for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated notifications" on public.notifications for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can update own or elevated notifications" on public.notifications for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated notifications" on public.notifications for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.notifications from anon, authenticated;
grant select, insert, update, delete on table public.notifications to authenticated;
grant all on table public.notifications to service_role;

-- public.notification_channels --------------------------------------------------------------------
create policy "Identities can create their own notification channels" on public.notification_channels for insert to authenticated
  with check (identity_id = (select private.active_identity_id()));
create policy "Identities can delete their own notification channels" on public.notification_channels for delete to authenticated
  using (identity_id = (select private.active_identity_id()));
create policy "Identities can update their own notification channels" on public.notification_channels for update to authenticated
  using (identity_id = (select private.active_identity_id()))
  with check (identity_id = (select private.active_identity_id()));
create policy "Identities can view their own notification channels" on public.notification_channels for select to authenticated
  using (identity_id = (select private.active_identity_id()));
revoke all on table public.notification_channels from anon, authenticated;
grant select, insert, update, delete on table public.notification_channels to authenticated;
grant all on table public.notification_channels to service_role;

-- public.notification_deliveries ------------------------------------------------------------------
create policy "Identities can create own or elevated notification deliveries" on public.notification_deliveries for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can delete own or elevated notification deliveries" on public.notification_deliveries for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can update own or elevated notification deliveries" on public.notification_deliveries for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid)));
create policy "Identities can view own or elevated notification deliveries" on public.notification_deliveries for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.notification_deliveries from anon, authenticated;
grant select, delete on table public.notification_deliveries to authenticated;
grant all on table public.notification_deliveries to service_role;
grant insert (id, identity_id, notification_id, channel_id, created_at, updated_at) on table public.notification_deliveries to authenticated;
grant update (id, identity_id, notification_id, channel_id, created_at, updated_at) on table public.notification_deliveries to authenticated;

-- private.realtime_outbox -------------------------------------------------------------------------
revoke all on table private.realtime_outbox from anon, authenticated;
