/**
 * Threads, messages and decisions: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.threads ----------------------------------------------------------------------------------
create policy "Identities can create own or elevated threads" on public.threads for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated threads" on public.threads for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated threads" on public.threads for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated threads" on public.threads for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and ((dataspace_id = any ((select private.shared_dataspace_ids(1))::uuid[])) or (id = any ((select private.invited_thread_ids(1))::uuid[])))));
revoke all on table public.threads from anon, authenticated;
grant select, delete on table public.threads to authenticated;
grant all on table public.threads to service_role;
grant insert (id, identity_id, dataspace_id, title, status, token_budget, encoding_profile_id, created_at, updated_at) on table public.threads to authenticated;
grant update (id, identity_id, dataspace_id, title, status, token_budget, encoding_profile_id, created_at, updated_at) on table public.threads to authenticated;

-- public.messages ---------------------------------------------------------------------------------
create policy "Identities can create own or elevated messages" on public.messages for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id))))
     or ((select private.has_shares()) and ((( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id)) = any ((select private.shared_dataspace_ids(2))::uuid[])) or (thread_id = any ((select private.invited_thread_ids(2))::uuid[])))));
create policy "Identities can delete own or elevated messages" on public.messages for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id))))
     or ((select private.has_shares()) and (( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated messages" on public.messages for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id))))
     or ((select private.has_shares()) and (( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id))))
     or ((select private.has_shares()) and (( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated messages" on public.messages for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id))))
     or ((select private.has_shares()) and ((( select t.dataspace_id
   from public.threads t
  where (t.id = messages.thread_id)) = any ((select private.shared_dataspace_ids(1))::uuid[])) or (thread_id = any ((select private.invited_thread_ids(1))::uuid[])))));
revoke all on table public.messages from anon, authenticated;
grant select, delete on table public.messages to authenticated;
grant all on table public.messages to service_role;
grant insert (id, identity_id, thread_id, author_identity_id, body, created_at) on table public.messages to authenticated;
grant update (id, identity_id, thread_id, author_identity_id, body, created_at) on table public.messages to authenticated;

-- public.decisions --------------------------------------------------------------------------------
create policy "Identities can create own or elevated decisions" on public.decisions for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id))))
     or ((select private.has_shares()) and (( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated decisions" on public.decisions for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id))))
     or ((select private.has_shares()) and (( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated decisions" on public.decisions for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id))))
     or ((select private.has_shares()) and (( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id))))
     or ((select private.has_shares()) and (( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated decisions" on public.decisions for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id))))
     or ((select private.has_shares()) and ((( select t.dataspace_id
   from public.threads t
  where (t.id = decisions.thread_id)) = any ((select private.shared_dataspace_ids(1))::uuid[])) or (thread_id = any ((select private.invited_thread_ids(1))::uuid[])))));
revoke all on table public.decisions from anon, authenticated;
grant select, insert, update, delete on table public.decisions to authenticated;
grant all on table public.decisions to service_role;
