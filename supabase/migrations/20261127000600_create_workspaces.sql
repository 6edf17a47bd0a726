/**
 * Workspaces of a dataspace: panels laid out by the Layout engine, versioned panel states, and the
 * full history of transformations (AM-012): every change of a workspace's state is a row holding
 * the state before and after, so any earlier version can be restored.
 */
create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  dataspace_id uuid not null,
  name text not null check (length(name) between 1 and 160),
  layout text not null default 'grid' check (layout in ('grid', 'stack', 'radial', 'wall', 'free')),
  state jsonb not null default '{}'::jsonb,
  version bigint not null default 0 check (version >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  foreign key (dataspace_id, identity_id) references public.dataspaces (id, identity_id) on delete cascade
);
create index workspaces_dataspace_id_idx on public.workspaces (dataspace_id, identity_id);
create index workspaces_user_id_idx on public.workspaces (user_id);
create trigger workspaces_touch_updated_at before update on public.workspaces
  for each row execute function private.touch_updated_at();

/** A panel of a workspace: what it shows and where the layout put it. */
create table public.panels (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workspace_id uuid not null,
  kind text not null check (kind in ('thread', 'notes', 'tasks', 'memory', 'chart', 'document', 'estimate', 'media')),
  title text not null check (length(title) between 1 and 200),
  ref_id uuid,
  position integer not null default 0 check (position >= 0),
  layout jsonb not null default '{}'::jsonb,
  content jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  foreign key (workspace_id, identity_id) references public.workspaces (id, identity_id) on delete cascade
);
create index panels_workspace_id_idx on public.panels (workspace_id, identity_id);
create trigger panels_touch_updated_at before update on public.panels
  for each row execute function private.touch_updated_at();

/** Versioned states of a panel (OCW edits land here); one row per version. */
create table public.panel_states (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  panel_id uuid not null,
  version bigint not null check (version >= 1),
  state jsonb not null,
  author_identity_id uuid references public.identities (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (panel_id, version),
  foreign key (panel_id, identity_id) references public.panels (id, identity_id) on delete cascade
);
create index panel_states_panel_id_idx on public.panel_states (panel_id, identity_id);
create index panel_states_author_identity_id_idx on public.panel_states (author_identity_id);

/** A transformation of a workspace (layout change, panel added/removed, restore ...). */
create table public.workspace_transformations (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workspace_id uuid not null,
  kind text not null check (kind in ('layout', 'add_panel', 'remove_panel', 'move_panel', 'edit', 'restore', 'agent')),
  description text not null default '' check (length(description) <= 2000),
  from_version bigint not null check (from_version >= 0),
  to_version bigint not null,
  created_by uuid references public.identities (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (workspace_id, to_version),
  check (to_version > from_version),
  foreign key (workspace_id, identity_id) references public.workspaces (id, identity_id) on delete cascade
);
create index workspace_transformations_workspace_id_idx on public.workspace_transformations (workspace_id, identity_id);
create index workspace_transformations_created_by_idx on public.workspace_transformations (created_by);

/** The full state of a workspace at every version (restore reads from here). */
create table public.workspace_state_history (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  workspace_id uuid not null,
  version bigint not null check (version >= 0),
  state jsonb not null,
  transformation_id uuid,
  created_at timestamptz not null default now(),
  unique (workspace_id, version),
  foreign key (workspace_id, identity_id) references public.workspaces (id, identity_id) on delete cascade,
  foreign key (transformation_id, identity_id)
    references public.workspace_transformations (id, identity_id) on delete set null (transformation_id)
);
create index workspace_state_history_workspace_id_idx on public.workspace_state_history (workspace_id, identity_id);
create index workspace_state_history_transformation_id_idx on public.workspace_state_history (transformation_id, identity_id);

select private.apply_identity_rls('public.workspaces', 'workspaces', 'null', 'dataspace_id');
select private.apply_identity_rls('public.panels', 'panels', 'null',
  '(select w.dataspace_id from public.workspaces w where w.id = workspace_id)');
select private.apply_identity_rls('public.panel_states', 'panel states', 'null', 'null');
select private.apply_identity_rls('public.workspace_transformations', 'workspace transformations', 'null',
  '(select w.dataspace_id from public.workspaces w where w.id = workspace_id)');
select private.apply_identity_rls('public.workspace_state_history', 'workspace states', 'null',
  '(select w.dataspace_id from public.workspaces w where w.id = workspace_id)');
