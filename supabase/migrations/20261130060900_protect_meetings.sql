/**
 * Meetings: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.meetings ---------------------------------------------------------------------------------
create policy "Identities can create own or elevated meetings" on public.meetings for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated meetings" on public.meetings for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated meetings" on public.meetings for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated meetings" on public.meetings for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and ((dataspace_id = any ((select private.shared_dataspace_ids(1))::uuid[])) or (id = any ((select private.invited_meeting_ids(1))::uuid[])))));
revoke all on table public.meetings from anon, authenticated;
grant insert, update, delete on table public.meetings to authenticated;
grant all on table public.meetings to service_role;
grant select (id, identity_id, dataspace_id, thread_id, title, description, agenda, scheduled_at, duration, status, started_at, ended_at, created_at, updated_at) on table public.meetings to authenticated;

-- public.meeting_participants ---------------------------------------------------------------------
create policy "Identities can create own or elevated meeting participants" on public.meeting_participants for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_participants.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated meeting participants" on public.meeting_participants for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_participants.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated meeting participants" on public.meeting_participants for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_participants.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_participants.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated meeting participants" on public.meeting_participants for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_participants.meeting_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.meeting_participants from anon, authenticated;
grant select, delete on table public.meeting_participants to authenticated;
grant all on table public.meeting_participants to service_role;
grant insert (id, identity_id, meeting_id, display_name, email, role, joined_at, left_at, hand_raised_at, created_at, updated_at) on table public.meeting_participants to authenticated;
grant update (id, identity_id, meeting_id, display_name, email, role, joined_at, left_at, hand_raised_at, created_at, updated_at) on table public.meeting_participants to authenticated;

-- public.meeting_notes ----------------------------------------------------------------------------
create policy "Identities can create own or elevated meeting notes" on public.meeting_notes for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and ((( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_notes.meeting_id)) = any ((select private.shared_dataspace_ids(2))::uuid[])) or (meeting_id = any ((select private.invited_meeting_ids(2))::uuid[])))));
create policy "Identities can delete own or elevated meeting notes" on public.meeting_notes for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_notes.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated meeting notes" on public.meeting_notes for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_notes.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_notes.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated meeting notes" on public.meeting_notes for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and ((( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_notes.meeting_id)) = any ((select private.shared_dataspace_ids(1))::uuid[])) or (meeting_id = any ((select private.invited_meeting_ids(1))::uuid[])))));
revoke all on table public.meeting_notes from anon, authenticated;
grant select, insert, update, delete on table public.meeting_notes to authenticated;
grant all on table public.meeting_notes to service_role;

-- public.meeting_tasks ----------------------------------------------------------------------------
create policy "Identities can create own or elevated meeting tasks" on public.meeting_tasks for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_tasks.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can delete own or elevated meeting tasks" on public.meeting_tasks for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_tasks.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can update own or elevated meeting tasks" on public.meeting_tasks for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_tasks.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_tasks.meeting_id)) = any ((select private.shared_dataspace_ids(3))::uuid[]))));
create policy "Identities can view own or elevated meeting tasks" on public.meeting_tasks for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and ((( select m.dataspace_id
   from public.meetings m
  where (m.id = meeting_tasks.meeting_id)) = any ((select private.shared_dataspace_ids(1))::uuid[])) or (meeting_id = any ((select private.invited_meeting_ids(1))::uuid[])) or (assignee_participant_id = any ((select private.my_participant_ids())::uuid[])))));
revoke all on table public.meeting_tasks from anon, authenticated;
grant select, insert, update, delete on table public.meeting_tasks to authenticated;
grant all on table public.meeting_tasks to service_role;
