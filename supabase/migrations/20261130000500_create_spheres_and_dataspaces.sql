/**
 * Spheres, domains and dataspaces: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/**
 * Spheres (life areas of an identity), their domains, and dataspaces: the universal container every
 * thread, workspace, memory item, meeting, property and project lives in. All identity-owned:
 * visible and writable only by the active identity unless an elevation opens the scope.
 */
create table public.spheres (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  name text not null,
  kind text not null default 'personal'::text,
  time_zone text not null default 'America/Montreal'::text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint spheres_pkey primary key (id),
  constraint spheres_id_identity_id_key unique (id, identity_id),
  constraint spheres_identity_id_name_key unique (identity_id, name),
  constraint spheres_kind_check check (kind in ('personal', 'business', 'company', 'community', 'social', 'health', 'finance', 'education')),
  constraint spheres_name_check check ((length(name) >= 1) and (length(name) <= 120)),
  constraint spheres_time_zone_check check ((length(time_zone) >= 1) and (length(time_zone) <= 64)),
  constraint spheres_identity_id_fkey foreign key (identity_id) references public.identities(id) on delete cascade
);
alter table public.spheres enable row level security;
create index spheres_identity_id_idx on public.spheres (identity_id);

/** A subdivision of a sphere (e.g. "immobilier", "construction" in a business sphere). */
create table public.domains (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  sphere_id uuid not null,
  name text not null,
  kind text not null default 'general'::text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint domains_pkey primary key (id),
  constraint domains_id_identity_id_key unique (id, identity_id),
  constraint domains_sphere_id_name_key unique (sphere_id, name),
  constraint domains_kind_check check (kind in ('general', 'immobilier', 'construction', 'finance', 'health', 'education', 'legal', 'marketing', 'operations')),
  constraint domains_name_check check ((length(name) >= 1) and (length(name) <= 120)),
  constraint domains_sphere_id_identity_id_fkey foreign key (sphere_id, identity_id) references public.spheres(id, identity_id) on delete cascade
);
alter table public.domains enable row level security;
create index domains_identity_id_idx on public.domains (identity_id);
create index domains_sphere_id_idx on public.domains (sphere_id, identity_id);

/** The universal container. Owned by one identity of one user, inside one sphere (and domain). */
create table public.dataspaces (
  id uuid not null default gen_random_uuid(),
  identity_id uuid not null default private.active_identity_id(),
  user_id uuid not null default auth.uid(),
  sphere_id uuid not null,
  domain_id uuid,
  name text not null,
  description text not null default ''::text,
  kind text not null default 'general'::text,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint dataspaces_pkey primary key (id),
  constraint dataspaces_id_identity_id_key unique (id, identity_id),
  constraint dataspaces_description_check check (length(description) <= 4000),
  constraint dataspaces_kind_check check (kind in ('general', 'project', 'meeting', 'property', 'construction', 'personal')),
  constraint dataspaces_name_check check ((length(name) >= 1) and (length(name) <= 160)),
  constraint dataspaces_domain_id_identity_id_fkey foreign key (domain_id, identity_id) references public.domains(id, identity_id) on delete restrict,
  constraint dataspaces_sphere_id_identity_id_fkey foreign key (sphere_id, identity_id) references public.spheres(id, identity_id) on delete cascade,
  constraint dataspaces_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table public.dataspaces enable row level security;
create index dataspaces_domain_id_idx on public.dataspaces (domain_id, identity_id);
create index dataspaces_identity_id_idx on public.dataspaces (identity_id);
create index dataspaces_sphere_id_idx on public.dataspaces (sphere_id, identity_id);
create index dataspaces_user_id_idx on public.dataspaces (user_id);
