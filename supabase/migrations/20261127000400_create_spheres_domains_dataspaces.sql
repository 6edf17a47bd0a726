/**
 * Spheres (life areas of an identity), their domains, and dataspaces: the universal container every
 * thread, workspace, memory item, meeting, property and project lives in. All identity-owned:
 * visible and writable only by the active identity unless an elevation opens the scope.
 */
create table public.spheres (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id()
    references public.identities (id) on delete cascade,
  name text not null check (length(name) between 1 and 120),
  kind text not null default 'personal'
    check (kind in ('personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education')),
  time_zone text not null default 'America/Montreal' check (length(time_zone) between 1 and 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (identity_id, name)
);
alter table public.spheres enable row level security;
create index spheres_identity_id_idx on public.spheres (identity_id);
create trigger spheres_touch_updated_at before update on public.spheres
  for each row execute function private.touch_updated_at();

/** A subdivision of a sphere (e.g. "immobilier", "construction" in a business sphere). */
create table public.domains (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  sphere_id uuid not null,
  name text not null check (length(name) between 1 and 120),
  kind text not null default 'general'
    check (kind in ('general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  unique (sphere_id, name),
  foreign key (sphere_id, identity_id) references public.spheres (id, identity_id) on delete cascade
);
alter table public.domains enable row level security;
create index domains_identity_id_idx on public.domains (identity_id);
create index domains_sphere_id_idx on public.domains (sphere_id, identity_id);
create trigger domains_touch_updated_at before update on public.domains
  for each row execute function private.touch_updated_at();

/** The universal container. Owned by one identity of one user, inside one sphere (and domain). */
create table public.dataspaces (
  id uuid primary key default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  sphere_id uuid not null,
  domain_id uuid,
  name text not null check (length(name) between 1 and 160),
  description text not null default '' check (length(description) <= 4000),
  kind text not null default 'general'
    check (kind in ('general', 'project', 'meeting', 'property', 'construction', 'personal')),
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, identity_id),
  foreign key (sphere_id, identity_id) references public.spheres (id, identity_id) on delete cascade,
  foreign key (domain_id, identity_id) references public.domains (id, identity_id) on delete restrict
);
alter table public.dataspaces enable row level security;
create index dataspaces_identity_id_idx on public.dataspaces (identity_id);
create index dataspaces_user_id_idx on public.dataspaces (user_id);
create index dataspaces_sphere_id_idx on public.dataspaces (sphere_id, identity_id);
create index dataspaces_domain_id_idx on public.dataspaces (domain_id, identity_id);
create trigger dataspaces_touch_updated_at before update on public.dataspaces
  for each row execute function private.touch_updated_at();

select private.apply_identity_rls('public.spheres', 'spheres', 'id', 'null');
select private.apply_identity_rls('public.domains', 'domains', 'sphere_id', 'null');
select private.apply_identity_rls('public.dataspaces', 'dataspaces', 'sphere_id', 'id');
