/**
 * Threads as rooms (issue 16): a thread, like a workspace, can be entered as a spatial room of its
 * own (the realtime `place` room). Its room row points at the thread the way a workspace room
 * points at its workspace, so its placed objects and the poses people left there (xr_avatars
 * room_poses, keyed by xr_rooms.id) stay apart from the dataspace room's. Like the other pointers,
 * it is cleared when the thread goes and the room row stays.
 */
alter table public.xr_rooms add column thread_id uuid;
alter table public.xr_rooms drop constraint xr_rooms_kind_check;
alter table public.xr_rooms add constraint xr_rooms_kind_check
  check (kind in ('dataspace', 'workspace', 'meeting', 'thread'));
alter table public.xr_rooms add constraint xr_rooms_thread_kind_check
  check (thread_id is null or kind = 'thread');
alter table public.xr_rooms add constraint xr_rooms_thread_id_fkey
  foreign key (thread_id, identity_id)
  references public.threads (id, identity_id) on delete set null (thread_id);
create index xr_rooms_thread_id_idx on public.xr_rooms (thread_id, identity_id);
