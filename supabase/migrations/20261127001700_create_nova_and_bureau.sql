/**
 * Nova, the system intelligence that guides the human (AM-006), and the bureau: the per-sphere
 * desk of six sections an identity arranges (AM-007). Both are identity-owned preferences and
 * state the client reads and writes itself.
 */

/**
 * Nova's state for one client session of an identity: where the human is (sphere, dataspace), what
 * Nova knows of the moment and the suggestions it currently shows. A session id is unique per
 * identity; the state survives the deletion of the place it points at (set null).
 */
create table public.nova_contexts (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  session_id text not null check (length(session_id) between 1 and 200),
  current_sphere_id uuid,
  current_dataspace_id uuid,
  context_state jsonb not null default '{}'::jsonb check (jsonb_typeof(context_state) = 'object'),
  active_suggestions jsonb not null default '[]'::jsonb check (jsonb_typeof(active_suggestions) = 'array'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (identity_id, session_id),
  foreign key (current_sphere_id, identity_id) references public.spheres (id, identity_id)
    on delete set null (current_sphere_id),
  foreign key (current_dataspace_id, identity_id) references public.dataspaces (id, identity_id)
    on delete set null (current_dataspace_id)
);
alter table public.nova_contexts enable row level security;
create index nova_contexts_user_id_idx on public.nova_contexts (user_id);
create index nova_contexts_current_sphere_id_idx on public.nova_contexts (current_sphere_id, identity_id);
create index nova_contexts_current_dataspace_id_idx on public.nova_contexts (current_dataspace_id, identity_id);
create trigger nova_contexts_touch_updated_at before update on public.nova_contexts
  for each row execute function private.touch_updated_at();

/**
 * What became of each suggestion Nova made in a context: shown, accepted or dismissed. A history:
 * rows are added and may be forgotten (deleted), never rewritten.
 */
create table public.nova_guidance_history (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  context_id uuid not null,
  suggestion jsonb not null check (jsonb_typeof(suggestion) = 'object'),
  action text not null check (action in ('shown', 'accepted', 'dismissed')),
  created_at timestamptz not null default now(),
  foreign key (context_id, identity_id) references public.nova_contexts (id, identity_id) on delete cascade
);
alter table public.nova_guidance_history enable row level security;
create index nova_guidance_history_context_id_idx on public.nova_guidance_history (context_id, identity_id, created_at);

/**
 * The bureau of one sphere of an identity: the order of its six sections (always all six, each
 * once), which are visible, which opens first (a visible one) and free layout preferences.
 */
create table public.bureau_configurations (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  sphere_id uuid not null,
  section_order text[] not null default array['dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings']
    check (section_order @> array['dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings']
           and array_length(section_order, 1) = 6),
  visible_sections text[] not null default array['dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings']
    check (visible_sections <@ array['dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings']),
  default_section text not null default 'dashboard'
    check (default_section in ('dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings')),
  layout_preferences jsonb not null default '{}'::jsonb check (jsonb_typeof(layout_preferences) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (identity_id, sphere_id),
  check (default_section = any (visible_sections)),
  foreign key (sphere_id, identity_id) references public.spheres (id, identity_id) on delete cascade
);
alter table public.bureau_configurations enable row level security;
create index bureau_configurations_sphere_id_idx on public.bureau_configurations (sphere_id, identity_id);
create trigger bureau_configurations_touch_updated_at before update on public.bureau_configurations
  for each row execute function private.touch_updated_at();

select private.apply_identity_rls('public.nova_contexts', 'Nova contexts', 'current_sphere_id',
  'current_dataspace_id');
select private.apply_identity_rls('public.nova_guidance_history', 'Nova guidance history', 'null', 'null',
  array['select', 'insert', 'delete']);
select private.apply_identity_rls('public.bureau_configurations', 'bureau configurations', 'sphere_id', 'null');
