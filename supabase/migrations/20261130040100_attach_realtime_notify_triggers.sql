/**
 * Realtime notify triggers: what reaches the rooms through private.realtime_outbox.
 * Part of the baseline (20261130*). See private.notify_realtime, notify_dataspace_content, notify_room_access.
 */

-- public.identities
create trigger identities_delete_notify_room_access after delete on public.identities
  for each row
  execute function private.notify_room_access();

-- public.elevation_requests
create trigger elevation_requests_delete_notify_room_access after delete on public.elevation_requests
  for each row when ((old.status = 'approved'::text))
  execute function private.notify_room_access();
create trigger elevation_requests_notify_room_access after insert on public.elevation_requests
  for each row when ((new.status = 'approved'::text))
  execute function private.notify_room_access();
create trigger elevation_requests_update_notify_room_access after update on public.elevation_requests
  for each row when (((old.status is distinct from new.status) or (old.expires_at is distinct from new.expires_at) or (old.permission is distinct from new.permission) or (old.scope_type is distinct from new.scope_type) or (old.scope_id is distinct from new.scope_id)))
  execute function private.notify_room_access();

-- public.dataspaces
create trigger dataspaces_delete_notify_room_access after delete on public.dataspaces
  for each row
  execute function private.notify_room_access();
create trigger dataspaces_update_notify_room_access after update of identity_id, sphere_id, archived_at on public.dataspaces
  for each row when (((old.identity_id is distinct from new.identity_id) or (old.sphere_id is distinct from new.sphere_id) or (old.archived_at is distinct from new.archived_at)))
  execute function private.notify_room_access();

-- public.dataspace_members
create trigger dataspace_members_notify_room_access after insert or delete on public.dataspace_members
  for each row
  execute function private.notify_room_access();
create trigger dataspace_members_update_notify_room_access after update of role, member_identity_id on public.dataspace_members
  for each row when (((old.role is distinct from new.role) or (old.member_identity_id is distinct from new.member_identity_id)))
  execute function private.notify_room_access();

-- public.messages
create trigger messages_notify_realtime after insert on public.messages
  for each row
  execute function private.notify_realtime();

-- public.decisions
create trigger decisions_notify_realtime after insert or update of status on public.decisions
  for each row
  execute function private.notify_realtime();

-- public.workspaces
create trigger workspaces_delete_notify_room_access after delete on public.workspaces
  for each row
  execute function private.notify_room_access();
create trigger workspaces_notify_dataspace after insert or delete or update on public.workspaces
  for each row
  execute function private.notify_dataspace_content();
create trigger workspaces_update_notify_room_access after update of identity_id, dataspace_id on public.workspaces
  for each row when (((old.identity_id is distinct from new.identity_id) or (old.dataspace_id is distinct from new.dataspace_id)))
  execute function private.notify_room_access();

-- public.panels
create trigger panels_notify_dataspace after insert or delete or update on public.panels
  for each row
  execute function private.notify_dataspace_content();

-- public.memory_items
create trigger memory_items_notify_dataspace after insert or delete or update on public.memory_items
  for each row
  execute function private.notify_dataspace_content();

-- public.meetings
create trigger meetings_delete_notify_room_access after delete on public.meetings
  for each row
  execute function private.notify_room_access();
create trigger meetings_update_notify_room_access after update of status, identity_id, dataspace_id on public.meetings
  for each row when (((old.status is distinct from new.status) or (old.identity_id is distinct from new.identity_id) or (old.dataspace_id is distinct from new.dataspace_id)))
  execute function private.notify_room_access();

-- public.meeting_participants
create trigger meeting_participants_notify_room_access after insert or delete on public.meeting_participants
  for each row
  execute function private.notify_room_access();
create trigger meeting_participants_update_notify_room_access after update of role, participant_identity_id on public.meeting_participants
  for each row when (((old.role is distinct from new.role) or (old.participant_identity_id is distinct from new.participant_identity_id)))
  execute function private.notify_room_access();

-- public.meeting_tasks
create trigger meeting_tasks_notify_realtime after insert or update of status on public.meeting_tasks
  for each row
  execute function private.notify_realtime();

-- public.token_accounts
create trigger token_accounts_notify_realtime after update of balance, reserved on public.token_accounts
  for each row when ((new.identity_id is not null))
  execute function private.notify_realtime();

-- public.notifications
create trigger notifications_notify_realtime after insert on public.notifications
  for each row
  execute function private.notify_realtime();
