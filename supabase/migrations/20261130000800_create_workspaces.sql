/**
 * Workspaces and panels: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * Workspaces of a dataspace: panels laid out by the Layout engine, versioned panel states, and the
 * full history of transformations (AM-012): every change of a workspace's state is a row holding
 * the state before and after, so any earlier version can be restored.
 */
create table public.workspaces (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  dataspace_id uuid not null,
  name text not null,
  layout text not null default 'grid'::text,
  state jsonb not null default '{}'::jsonb,
  version bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workspaces_pkey primary key (id),
  constraint workspaces_id_identity_id_key unique (id, identity_id),
  constraint workspaces_layout_check check (layout in ('grid', 'stack', 'radial', 'wall', 'free')),
  constraint workspaces_name_check check ((length(name) >= 1) and (length(name) <= 160)),
  constraint workspaces_version_check check (version >= 0),
  constraint workspaces_dataspace_id_identity_id_fkey foreign key (dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete cascade,
  constraint workspaces_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.workspaces enable row level security;
create index workspaces_dataspace_id_idx on public.workspaces (dataspace_id, identity_id);
create index workspaces_identity_id_idx on public.workspaces (identity_id);
create index workspaces_user_id_idx on public.workspaces (user_id);

/** A panel of a workspace: what it shows and where the layout put it. */
create table public.panels (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workspace_id uuid not null,
  kind text not null,
  title text not null,
  ref_id uuid,
  position integer not null default 0,
  layout jsonb not null default '{}'::jsonb,
  content jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint panels_pkey primary key (id),
  constraint panels_id_identity_id_key unique (id, identity_id),
  constraint panels_kind_check check (kind in ('thread', 'notes', 'tasks', 'memory', 'chart', 'document', 'estimate', 'media')),
  constraint panels_position_check check ("position" >= 0),
  constraint panels_title_check check ((length(title) >= 1) and (length(title) <= 200)),
  constraint panels_workspace_id_identity_id_fkey foreign key (workspace_id, identity_id) references public.workspaces(id, identity_id) on delete cascade
);
alter table public.panels enable row level security;
create index panels_identity_id_idx on public.panels (identity_id);
create index panels_workspace_id_idx on public.panels (workspace_id, identity_id);

/** Versioned states of a panel (OCW edits land here); one row per version. */
create table public.panel_states (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  panel_id uuid not null,
  version bigint not null,
  state jsonb not null,
  author_identity_id uuid,
  created_at timestamptz not null default now(),
  constraint panel_states_pkey primary key (id),
  constraint panel_states_panel_id_version_key unique (panel_id, version),
  constraint panel_states_version_check check (version >= 1),
  constraint panel_states_author_identity_id_fkey foreign key (author_identity_id) references public.identities(id) on delete set null,
  constraint panel_states_panel_id_identity_id_fkey foreign key (panel_id, identity_id) references public.panels(id, identity_id) on delete cascade
);
alter table public.panel_states enable row level security;
create index panel_states_author_identity_id_idx on public.panel_states (author_identity_id);
create index panel_states_identity_id_idx on public.panel_states (identity_id);
create index panel_states_panel_id_idx on public.panel_states (panel_id, identity_id);

/** A transformation of a workspace (layout change, panel added/removed, restore ...). */
create table public.workspace_transformations (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workspace_id uuid not null,
  kind text not null,
  description text not null default ''::text,
  from_version bigint not null,
  to_version bigint not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  constraint workspace_transformations_pkey primary key (id),
  constraint workspace_transformations_id_identity_id_key unique (id, identity_id),
  constraint workspace_transformations_workspace_id_to_version_key unique (workspace_id, to_version),
  constraint workspace_transformations_check check (to_version > from_version),
  constraint workspace_transformations_description_check check (length(description) <= 2000),
  constraint workspace_transformations_from_version_check check (from_version >= 0),
  constraint workspace_transformations_kind_check check (kind in ('layout', 'add_panel', 'remove_panel', 'move_panel', 'edit', 'restore', 'agent')),
  constraint workspace_transformations_created_by_fkey foreign key (created_by) references public.identities(id) on delete set null,
  constraint workspace_transformations_workspace_id_identity_id_fkey foreign key (workspace_id, identity_id) references public.workspaces(id, identity_id) on delete cascade
);
alter table public.workspace_transformations enable row level security;
create index workspace_transformations_created_by_idx on public.workspace_transformations (created_by);
create index workspace_transformations_identity_id_idx on public.workspace_transformations (identity_id);
create index workspace_transformations_workspace_id_idx on public.workspace_transformations (workspace_id, identity_id);

/** The full state of a workspace at every version (restore reads from here). */
create table public.workspace_state_history (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workspace_id uuid not null,
  version bigint not null,
  state jsonb not null,
  transformation_id uuid,
  created_at timestamptz not null default now(),
  constraint workspace_state_history_pkey primary key (id),
  constraint workspace_state_history_workspace_id_version_key unique (workspace_id, version),
  constraint workspace_state_history_version_check check (version >= 0),
  constraint workspace_state_history_transformation_id_identity_id_fkey foreign key (transformation_id, identity_id) references public.workspace_transformations(id, identity_id),
  constraint workspace_state_history_workspace_id_identity_id_fkey foreign key (workspace_id, identity_id) references public.workspaces(id, identity_id) on delete cascade
);
alter table public.workspace_state_history enable row level security;
create index workspace_state_history_identity_id_idx on public.workspace_state_history (identity_id);
create index workspace_state_history_transformation_id_idx on public.workspace_state_history (transformation_id, identity_id);
create index workspace_state_history_workspace_id_idx on public.workspace_state_history (workspace_id, identity_id);
