/**
 * XR and OCW: spatial rooms (for a dataspace, a workspace or a meeting), persistent avatars,
 * spatial anchors and the objects placed in a room (AM-008), and collaborative workspace (OCW)
 * sessions. All identity-owned. Vectors are real[] of fixed length (x, y, z in metres; quaternions
 * as x, y, z, w), checked because Postgres does not enforce declared array sizes.
 */

/**
 * A spatial room. It always lives in a dataspace; a meeting or workspace room also points at its
 * meeting or workspace, and outlives it (the pointer is cleared, the room and its layout stay).
 */
create table public.xr_rooms (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  meeting_id uuid,
  workspace_id uuid,
  name text not null check (length(name) between 1 and 160),
  kind text not null default 'dataspace' check (kind in ('dataspace', 'workspace', 'meeting')),
  capacity integer not null default 16 check (capacity between 1 and 500),
  locked boolean not null default false,
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  check (meeting_id is null or kind = 'meeting'),
  check (workspace_id is null or kind = 'workspace'),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade,
  foreign key (meeting_id, identity_id)
    references public.meetings (id, identity_id) on delete set null (meeting_id),
  foreign key (workspace_id, identity_id)
    references public.workspaces (id, identity_id) on delete set null (workspace_id)
);
alter table public.xr_rooms enable row level security;
create index xr_rooms_identity_id_idx on public.xr_rooms (identity_id);
create index xr_rooms_dataspace_id_idx on public.xr_rooms (dataspace_id, identity_id);
create index xr_rooms_meeting_id_idx on public.xr_rooms (meeting_id, identity_id);
create index xr_rooms_workspace_id_idx on public.xr_rooms (workspace_id, identity_id);
create trigger xr_rooms_touch_updated_at before update on public.xr_rooms
  for each row execute function private.touch_updated_at();

/**
 * Avatar persistence: exactly one avatar per identity (its look, and where and how it last stood).
 * `last_room_id` can only name one of the identity's own rooms, like every other pointer here.
 * The unique constraint on identity_id is named like the index apply_identity_rls would create,
 * so it serves as that index instead of a duplicate.
 */
create table public.xr_avatars (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  display_name text not null check (length(display_name) between 1 and 120),
  color text not null default '#4f8cff' check (color ~ '^#[0-9a-fA-F]{6}$'),
  model text not null default 'default' check (length(model) between 1 and 500),
  last_room_id uuid,
  last_pose jsonb check (last_pose is null or jsonb_typeof(last_pose) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint xr_avatars_identity_id_idx unique (identity_id),
  foreign key (last_room_id, identity_id)
    references public.xr_rooms (id, identity_id) on delete set null (last_room_id)
);
alter table public.xr_avatars enable row level security;
create index xr_avatars_last_room_id_idx on public.xr_avatars (last_room_id, identity_id);
create trigger xr_avatars_touch_updated_at before update on public.xr_avatars
  for each row execute function private.touch_updated_at();

/**
 * A fixed point of a room that objects attach to, optionally bound to the AR runtime's own anchor
 * (`xr_anchor_id`, e.g. a WebXR persistent anchor handle) so it stays put in the physical space.
 */
create table public.spatial_anchors (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  room_id uuid not null,
  label text not null check (length(label) between 1 and 120),
  position real[] not null default '{0,0,0}'
    check (array_ndims(position) = 1 and cardinality(position) = 3 and array_position(position, null) is null),
  orientation real[] not null default '{0,0,0,1}'
    check (array_ndims(orientation) = 1 and cardinality(orientation) = 4 and array_position(orientation, null) is null),
  xr_anchor_id text check (xr_anchor_id is null or length(xr_anchor_id) between 1 and 200),
  created_by_identity_id uuid default private.active_identity_id()
    references public.identities (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  foreign key (room_id, identity_id) references public.xr_rooms (id, identity_id) on delete cascade
);
alter table public.spatial_anchors enable row level security;
create index spatial_anchors_identity_id_idx on public.spatial_anchors (identity_id);
create index spatial_anchors_room_id_idx on public.spatial_anchors (room_id, identity_id);
create index spatial_anchors_created_by_identity_id_idx on public.spatial_anchors (created_by_identity_id);
create trigger spatial_anchors_touch_updated_at before update on public.spatial_anchors
  for each row execute function private.touch_updated_at();

/**
 * An object placed in a room: a panel showing a thread or workspace, a memory card, a note or a 3D
 * model (`ref_id` names the thing shown; its table depends on `kind`). The pose is relative to the
 * anchor when there is one, else to the room's origin. `version` is bumped by every writer
 * (update ... where version = expected) so realtime sync can detect and resolve concurrent moves.
 */
create table public.spatial_objects (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  room_id uuid not null,
  anchor_id uuid,
  kind text not null
    check (kind in ('thread_panel', 'workspace_panel', 'memory_card', 'note', 'model')),
  ref_id uuid,
  position real[] not null default '{0,0,0}'
    check (array_ndims(position) = 1 and cardinality(position) = 3 and array_position(position, null) is null),
  orientation real[] not null default '{0,0,0,1}'
    check (array_ndims(orientation) = 1 and cardinality(orientation) = 4 and array_position(orientation, null) is null),
  scale real[] not null default '{1,1,1}'
    check (array_ndims(scale) = 1 and cardinality(scale) = 3 and array_position(scale, null) is null
           and 0 < all (scale)),
  data jsonb not null default '{}'::jsonb check (jsonb_typeof(data) = 'object'),
  version bigint not null default 0 check (version >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  foreign key (room_id, identity_id) references public.xr_rooms (id, identity_id) on delete cascade,
  foreign key (anchor_id, identity_id)
    references public.spatial_anchors (id, identity_id) on delete set null (anchor_id)
);
alter table public.spatial_objects enable row level security;
create index spatial_objects_identity_id_idx on public.spatial_objects (identity_id);
create index spatial_objects_room_id_idx on public.spatial_objects (room_id, identity_id);
create index spatial_objects_anchor_id_idx on public.spatial_objects (anchor_id, identity_id);
create trigger spatial_objects_touch_updated_at before update on public.spatial_objects
  for each row execute function private.touch_updated_at();

/**
 * A collaborative editing session on a workspace (OCW): who is in it, the shared document and its
 * revision counter (bumped on every applied change). At most one active session per workspace.
 */
create table public.ocw_sessions (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workspace_id uuid not null,
  status text not null default 'active' check (status in ('active', 'ended')),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  participant_identity_ids uuid[] not null default '{}'
    check (cardinality(participant_identity_ids) <= 500
           and array_position(participant_identity_ids, null) is null),
  document jsonb not null default '{}'::jsonb,
  revision bigint not null default 0 check (revision >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ended_at is null or ended_at >= started_at),
  check ((status = 'ended') = (ended_at is not null)),
  foreign key (workspace_id, identity_id) references public.workspaces (id, identity_id) on delete cascade
);
alter table public.ocw_sessions enable row level security;
create index ocw_sessions_identity_id_idx on public.ocw_sessions (identity_id);
create index ocw_sessions_workspace_id_idx on public.ocw_sessions (workspace_id, identity_id);
create unique index ocw_sessions_one_active_per_workspace on public.ocw_sessions (workspace_id)
  where status = 'active';
create trigger ocw_sessions_touch_updated_at before update on public.ocw_sessions
  for each row execute function private.touch_updated_at();

select private.apply_identity_rls('public.xr_rooms', 'xr rooms', 'null', 'dataspace_id');
select private.apply_identity_rls('public.xr_avatars', 'xr avatars', 'null', 'null');
select private.apply_identity_rls('public.spatial_anchors', 'spatial anchors', 'null', 'null');
select private.apply_identity_rls('public.spatial_objects', 'spatial objects', 'null', 'null');
select private.apply_identity_rls('public.ocw_sessions', 'ocw sessions', 'null', 'null');
