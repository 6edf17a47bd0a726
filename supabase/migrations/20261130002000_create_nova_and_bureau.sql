/**
 * Nova and the bureau: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * Nova's state for one client session of an identity: where the human is (sphere, dataspace), what
 * Nova knows of the moment and the suggestions it currently shows. A session id is unique per
 * identity; the state survives the deletion of the place it points at (set null).
 */
create table public.nova_contexts (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  session_id text not null,
  current_sphere_id uuid,
  current_dataspace_id uuid,
  context_state jsonb not null default '{}'::jsonb,
  active_suggestions jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint nova_contexts_pkey primary key (id),
  constraint nova_contexts_id_identity_id_key unique (id, identity_id),
  constraint nova_contexts_identity_id_session_id_key unique (identity_id, session_id),
  constraint nova_contexts_active_suggestions_check check (jsonb_typeof(active_suggestions) = 'array'::text),
  constraint nova_contexts_context_state_check check (jsonb_typeof(context_state) = 'object'::text),
  constraint nova_contexts_session_id_check check ((length(session_id) >= 1) and (length(session_id) <= 200)),
  constraint nova_contexts_current_dataspace_id_identity_id_fkey foreign key (current_dataspace_id, identity_id) references public.dataspaces(id, identity_id) on delete set null (current_dataspace_id),
  constraint nova_contexts_current_sphere_id_identity_id_fkey foreign key (current_sphere_id, identity_id) references public.spheres(id, identity_id) on delete set null (current_sphere_id),
  constraint nova_contexts_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade,
  constraint nova_contexts_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.nova_contexts enable row level security;
create index nova_contexts_current_dataspace_id_idx on public.nova_contexts (current_dataspace_id, identity_id);
create index nova_contexts_current_sphere_id_idx on public.nova_contexts (current_sphere_id, identity_id);
create index nova_contexts_identity_id_idx on public.nova_contexts (identity_id);
create index nova_contexts_user_id_idx on public.nova_contexts (user_id);

/**
 * What became of each suggestion Nova made in a context: shown, accepted or dismissed. A history:
 * rows are added and may be forgotten (deleted), never rewritten.
 */
create table public.nova_guidance_history (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  context_id uuid not null,
  suggestion jsonb not null,
  action text not null,
  created_at timestamptz not null default now(),
  constraint nova_guidance_history_pkey primary key (id),
  constraint nova_guidance_history_action_check check (action in ('shown', 'accepted', 'dismissed')),
  constraint nova_guidance_history_suggestion_check check (jsonb_typeof(suggestion) = 'object'::text),
  constraint nova_guidance_history_context_id_identity_id_fkey foreign key (context_id, identity_id) references public.nova_contexts(id, identity_id) on delete cascade
);
alter table public.nova_guidance_history enable row level security;
create index nova_guidance_history_context_id_idx on public.nova_guidance_history (context_id, identity_id, created_at);
create index nova_guidance_history_identity_id_idx on public.nova_guidance_history (identity_id);

/**
 * The bureau of one sphere of an identity: the order of its six sections (always all six, each
 * once), which are visible, which opens first (a visible one) and free layout preferences.
 */
create table public.bureau_configurations (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  sphere_id uuid not null,
  section_order text[] not null default array['dashboard'::text, 'notes'::text, 'tasks'::text, 'projects'::text, 'threads'::text, 'meetings'::text],
  visible_sections text[] not null default array['dashboard'::text, 'notes'::text, 'tasks'::text, 'projects'::text, 'threads'::text, 'meetings'::text],
  default_section text not null default 'dashboard'::text,
  layout_preferences jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint bureau_configurations_pkey primary key (id),
  constraint bureau_configurations_identity_id_sphere_id_key unique (identity_id, sphere_id),
  constraint bureau_configurations_check check (default_section = any (visible_sections)),
  constraint bureau_configurations_default_section_check check (default_section in ('dashboard', 'notes', 'tasks', 'projects', 'threads', 'meetings')),
  constraint bureau_configurations_layout_preferences_check check (jsonb_typeof(layout_preferences) = 'object'::text),
  constraint bureau_configurations_section_order_check check ((section_order @> array['dashboard'::text, 'notes'::text, 'tasks'::text, 'projects'::text, 'threads'::text, 'meetings'::text]) and (array_length(section_order, 1) = 6)),
  constraint bureau_configurations_visible_sections_check check (visible_sections <@ array['dashboard'::text, 'notes'::text, 'tasks'::text, 'projects'::text, 'threads'::text, 'meetings'::text]),
  constraint bureau_configurations_sphere_id_identity_id_fkey foreign key (sphere_id, identity_id) references public.spheres(id, identity_id) on delete cascade
);
alter table public.bureau_configurations enable row level security;
create index bureau_configurations_identity_id_idx on public.bureau_configurations (identity_id);
create index bureau_configurations_sphere_id_idx on public.bureau_configurations (sphere_id, identity_id);
