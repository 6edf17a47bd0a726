/**
 * Users and identities: the root of CHE·NU's graph.
 * A user (one per auth.users row) works through several identities (personas). A request acts as
 * ONE active identity, named by the `identity_id` claim of its JWT and validated here against the
 * identities the user owns; every identity-owned row elsewhere is filtered by it.
 */

-- helpers used by policies live here, out of the API's reach
create schema if not exists private;
grant usage on schema private to authenticated, service_role;
-- functions are not executable by PUBLIC unless a migration grants them (global default: per-schema
-- defaults can only add privileges, never take the built-in PUBLIC execute away)
alter default privileges revoke execute on functions from public;

/** Shared trigger: keeps updated_at current on every update. */
create function private.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

/** One row per auth user: the profile CHE·NU shows. Deleting the auth user deletes everything. */
create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null check (length(email) between 3 and 320),
  display_name text not null check (length(display_name) between 1 and 120),
  locale text not null default 'fr-CA' check (length(locale) between 2 and 35),
  time_zone text not null default 'America/Montreal' check (length(time_zone) between 1 and 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.users enable row level security;
create trigger users_touch_updated_at before update on public.users
  for each row execute function private.touch_updated_at();

/** A persona of a user. Its id is the `identity_id` claim a request acts as. */
create table public.identities (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  name text not null check (length(name) between 1 and 120),
  kind text not null default 'personal'
    check (kind in ('personal', 'professional', 'business', 'community', 'public')),
  color text not null default '#4f8cff' check (color ~ '^#[0-9a-fA-F]{6}$'),
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, name)
);
alter table public.identities enable row level security;
create index identities_user_id_idx on public.identities (user_id);
create unique index identities_one_default_per_user on public.identities (user_id) where is_default;
create trigger identities_touch_updated_at before update on public.identities
  for each row execute function private.touch_updated_at();

/**
 * The active identity of the request: the `identity_id` claim, but only when the identity belongs
 * to the authenticated user (auth.uid()); otherwise null, so a forged claim matches no row.
 */
create function private.active_identity_id() returns uuid
language sql stable security definer
set search_path = ''
as $$
  select i.id
  from public.identities i
  where i.user_id = (select auth.uid())
    and i.id = (
      select case
        when c ->> 'identity_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        then (c ->> 'identity_id')::uuid
      end
      from (select nullif(current_setting('request.jwt.claims', true), '')::jsonb as c) claims
    )
$$;
grant execute on function private.active_identity_id() to authenticated, service_role;

-- users: a user reads and edits only their own profile; rows are created by sign-up (service)
revoke all on table public.users from anon, authenticated;
grant select, update (display_name, locale, time_zone) on table public.users to authenticated;
grant all on table public.users to service_role;

create policy "Users can view their own profile"
  on public.users for select to authenticated
  using (id = (select auth.uid()));
create policy "Users can update their own profile"
  on public.users for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- identities: the owner sees all of their identities (to switch between them), and manages them
revoke all on table public.identities from anon, authenticated;
grant select, insert, delete on table public.identities to authenticated;
grant update (name, kind, color, is_default) on table public.identities to authenticated;
grant all on table public.identities to service_role;

create policy "Users can view their own identities"
  on public.identities for select to authenticated
  using (user_id = (select auth.uid()));
create policy "Users can create identities for themselves"
  on public.identities for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy "Users can update their own identities"
  on public.identities for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));
create policy "Users can delete their own identities"
  on public.identities for delete to authenticated
  using (user_id = (select auth.uid()));
