/**
 * Memory: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.memory_items -----------------------------------------------------------------------------
create policy "Identities can create own or elevated memory items" on public.memory_items for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and ((dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[])) and (not sensitive))));
create policy "Identities can update own or elevated memory items" on public.memory_items for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and ((dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[])) and (not sensitive))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and ((dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[])) and (not sensitive))));
create policy "Identities can view own or elevated memory items" on public.memory_items for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and ((dataspace_id = any ((select private.shared_dataspace_ids(1))::uuid[])) and (not sensitive))));
revoke all on table public.memory_items from anon, authenticated;
grant all on table public.memory_items to service_role;
grant insert (id, identity_id, user_id, dataspace_id, thread_id, source_type, source_id, kind, content, sensitive, status, expires_at, forgotten_at, created_at, updated_at) on table public.memory_items to authenticated;
grant select (id, identity_id, dataspace_id, thread_id, source_type, source_id, kind, content, sensitive, status, origin, proposed_by_execution_id, expires_at, forgotten_at, created_at, updated_at) on table public.memory_items to authenticated;
grant update (id, identity_id, user_id, dataspace_id, thread_id, source_type, source_id, kind, content, sensitive, status, expires_at, forgotten_at, created_at, updated_at) on table public.memory_items to authenticated;

-- public.memory_corrections -----------------------------------------------------------------------
create policy "Identities can create own or elevated memory corrections" on public.memory_corrections for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and ((( select m.dataspace_id
   from public.memory_items m
  where (m.id = memory_corrections.memory_item_id)) = any ((select private.shared_dataspace_ids(3))::uuid[])) and ( select (not m.sensitive)
   from public.memory_items m
  where (m.id = memory_corrections.memory_item_id)))));
create policy "Identities can view own or elevated memory corrections" on public.memory_corrections for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and ((( select m.dataspace_id
   from public.memory_items m
  where (m.id = memory_corrections.memory_item_id)) = any ((select private.shared_dataspace_ids(1))::uuid[])) and ( select (not m.sensitive)
   from public.memory_items m
  where (m.id = memory_corrections.memory_item_id)))));
revoke all on table public.memory_corrections from anon, authenticated;
grant select, insert on table public.memory_corrections to authenticated;
grant all on table public.memory_corrections to service_role;
