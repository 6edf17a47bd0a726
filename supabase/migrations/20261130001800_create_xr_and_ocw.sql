/**
 * XR rooms, avatars, anchors, objects and OCW sessions: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * A spatial room. It always lives in a dataspace; a meeting or workspace room also points at its
 * meeting or workspace, and outlives it (the pointer is cleared, the room and its layout stay).
 */
create table public.xr_rooms (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  dataspace_id uuid not null,
  meeting_id uuid,
  workspace_id uuid,
  name text not null,
  kind text not null default 'dataspace'::text,
  capacity integer not null default 16,
  locked boolean not null default false,
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint xr_rooms_pkey primary key (id),
  constraint xr_rooms_id_identity_id_key unique (id, identity_id),
  constraint xr_rooms_capacity_check check ((capacity >= 1) and (capacity <= 500)),
  constraint xr_rooms_check check ((meeting_id is null) or (kind = 'meeting'::text)),
  constraint xr_rooms_check1 check ((workspace_id is null) or (kind = 'workspace'::text)),
  constraint xr_rooms_kind_check check (kind in ('dataspace', 'workspace', 'meeting')),
  constraint xr_rooms_name_check check ((length(name) >= 1) and (length(name) <= 160)),
  constraint xr_rooms_settings_check check (jsonb_typeof(settings) = 'object'::text),
  constraint xr_rooms_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint xr_rooms_meeting_id_identity_id_fkey foreign key (meeting_id, identity_id) references public.meetings(id, identity_id) on delete set null (meeting_id),
  constraint xr_rooms_workspace_id_identity_id_fkey foreign key (workspace_id, identity_id) references public.workspaces(id, identity_id) on delete set null (workspace_id)
);
alter table public.xr_rooms enable row level security;
create index xr_rooms_dataspace_id_idx on public.xr_rooms (dataspace_id, identity_id);
create index xr_rooms_identity_id_idx on public.xr_rooms (identity_id);
create index xr_rooms_meeting_id_idx on public.xr_rooms (meeting_id, identity_id);
create index xr_rooms_workspace_id_idx on public.xr_rooms (workspace_id, identity_id);

/**
 * Avatar persistence: exactly one avatar per identity (its look, and where and how it last stood).
 * `last_room_id` can only name one of the identity's own rooms, like every other pointer here.
 * The unique constraint on identity_id is named like the index apply_identity_rls would create,
 * so it serves as that index instead of a duplicate.
 */
create table public.xr_avatars (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  display_name text not null,
  color text not null default '#4f8cff'::text,
  model text not null default 'default'::text,
  last_room_id uuid,
  last_pose jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  room_poses jsonb not null default '{}'::jsonb,
  constraint xr_avatars_pkey primary key (id),
  constraint xr_avatars_identity_id_idx unique (identity_id),
  constraint xr_avatars_color_check check (color ~ '^#[0-9a-fA-F]{6}$'::text),
  constraint xr_avatars_display_name_check check ((length(display_name) >= 1) and (length(display_name) <= 120)),
  constraint xr_avatars_last_pose_check check ((last_pose is null) or (jsonb_typeof(last_pose) = 'object'::text)),
  constraint xr_avatars_model_check check ((length(model) >= 1) and (length(model) <= 500)),
  constraint xr_avatars_room_poses_check check ((jsonb_typeof(room_poses) = 'object'::text) and (pg_column_size(room_poses) <= 32768)),
  constraint xr_avatars_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint xr_avatars_last_room_id_identity_id_fkey foreign key (last_room_id, identity_id) references public.xr_rooms(id, identity_id) on delete set null (last_room_id)
);
alter table public.xr_avatars enable row level security;
create index xr_avatars_last_room_id_idx on public.xr_avatars (last_room_id, identity_id);
comment on column public.xr_avatars.room_poses is 'Last head pose per spatial room (xr_rooms.id → {p, q, at}); written by the realtime rooms only.';

/**
 * A fixed point of a room that objects attach to, optionally bound to the AR runtime's own anchor
 * (`xr_anchor_id`, e.g. a WebXR persistent anchor handle) so it stays put in the physical space.
 */
create table public.spatial_anchors (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  room_id uuid not null,
  label text not null,
  position real[] not null default '{0,0,0}'::real[],
  orientation real[] not null default '{0,0,0,1}'::real[],
  xr_anchor_id text,
  created_by_identity_id uuid default private.active_identity_id(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint spatial_anchors_pkey primary key (id),
  constraint spatial_anchors_id_identity_id_key unique (id, identity_id),
  constraint spatial_anchors_label_check check ((length(label) >= 1) and (length(label) <= 120)),
  constraint spatial_anchors_orientation_check check ((array_ndims(orientation) = 1) and (cardinality(orientation) = 4) and (array_position(orientation, null::real) is null)),
  constraint spatial_anchors_position_check check ((array_ndims("position") = 1) and (cardinality("position") = 3) and (array_position("position", null::real) is null)),
  constraint spatial_anchors_xr_anchor_id_check check ((xr_anchor_id is null) or ((length(xr_anchor_id) >= 1) and (length(xr_anchor_id) <= 200))),
  constraint spatial_anchors_created_by_identity_id_fkey foreign key (created_by_identity_id) references public.identities(id) on delete set null,
  constraint spatial_anchors_room_id_identity_id_fkey foreign key (room_id, identity_id) references public.xr_rooms(id, identity_id) on delete cascade
);
alter table public.spatial_anchors enable row level security;
create index spatial_anchors_created_by_identity_id_idx on public.spatial_anchors (created_by_identity_id);
create index spatial_anchors_identity_id_idx on public.spatial_anchors (identity_id);
create index spatial_anchors_room_id_idx on public.spatial_anchors (room_id, identity_id);

/**
 * An object placed in a room: a panel showing a thread or workspace, a memory card, a note or a 3D
 * model (`ref_id` names the thing shown; its table depends on `kind`). The pose is relative to the
 * anchor when there is one, else to the room's origin. `version` is bumped by every writer
 * (update ... where version = expected) so realtime sync can detect and resolve concurrent moves.
 */
create table public.spatial_objects (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  room_id uuid not null,
  anchor_id uuid,
  kind text not null,
  ref_id uuid,
  position real[] not null default '{0,0,0}'::real[],
  orientation real[] not null default '{0,0,0,1}'::real[],
  scale real[] not null default '{1,1,1}'::real[],
  data jsonb not null default '{}'::jsonb,
  version bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint spatial_objects_pkey primary key (id),
  constraint spatial_objects_data_check check (jsonb_typeof(data) = 'object'::text),
  constraint spatial_objects_kind_check check (kind in ('thread_panel', 'workspace_panel', 'memory_card', 'note', 'model')),
  constraint spatial_objects_orientation_check check ((array_ndims(orientation) = 1) and (cardinality(orientation) = 4) and (array_position(orientation, null::real) is null)),
  constraint spatial_objects_position_check check ((array_ndims("position") = 1) and (cardinality("position") = 3) and (array_position("position", null::real) is null)),
  constraint spatial_objects_scale_check check ((array_ndims(scale) = 1) and (cardinality(scale) = 3) and (array_position(scale, null::real) is null) and ((0)::double precision < all (scale))),
  constraint spatial_objects_version_check check (version >= 0),
  constraint spatial_objects_anchor_id_identity_id_fkey foreign key (anchor_id, identity_id) references public.spatial_anchors(id, identity_id) on delete cascade,
  constraint spatial_objects_room_id_identity_id_fkey foreign key (room_id, identity_id) references public.xr_rooms(id, identity_id) on delete cascade
);
alter table public.spatial_objects enable row level security;
create index spatial_objects_anchor_id_idx on public.spatial_objects (anchor_id, identity_id);
create index spatial_objects_identity_id_idx on public.spatial_objects (identity_id);
create index spatial_objects_room_id_idx on public.spatial_objects (room_id, identity_id);

/**
 * A collaborative editing session on a workspace (OCW): who is in it, the shared document and its
 * revision counter (bumped on every applied change). At most one active session per workspace.
 */
create table public.ocw_sessions (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workspace_id uuid not null,
  status text not null default 'active'::text,
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  participant_identity_ids uuid[] not null default '{}'::uuid[],
  document jsonb not null default '{}'::jsonb,
  revision bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ocw_sessions_pkey primary key (id),
  constraint ocw_sessions_check check ((ended_at is null) or (ended_at >= started_at)),
  constraint ocw_sessions_check1 check ((status = 'ended'::text) = (ended_at is not null)),
  constraint ocw_sessions_participant_identity_ids_check check ((cardinality(participant_identity_ids) <= 500) and (array_position(participant_identity_ids, null::uuid) is null)),
  constraint ocw_sessions_revision_check check (revision >= 0),
  constraint ocw_sessions_status_check check (status in ('active', 'ended')),
  constraint ocw_sessions_workspace_id_identity_id_fkey foreign key (workspace_id, identity_id) references public.workspaces(id, identity_id) on delete cascade
);
alter table public.ocw_sessions enable row level security;
create index ocw_sessions_identity_id_idx on public.ocw_sessions (identity_id);
create unique index ocw_sessions_one_active_per_workspace on public.ocw_sessions (workspace_id) where (status = 'active'::text);
create index ocw_sessions_workspace_id_idx on public.ocw_sessions (workspace_id, identity_id);
