/**
 * Staff roles: tables.
 * Part of the baseline (20261130*); policies and grants in the matching `protect_*` file.
 */

/** One staff role of a user; at most one row per user (admin includes reviewer). */
create table private.staff_roles (
  user_id uuid not null,
  role text not null,
  granted_at timestamptz not null default now(),
  granted_by text not null,
  constraint staff_roles_pkey primary key (user_id),
  constraint staff_roles_granted_by_check check ((length(granted_by) >= 1) and (length(granted_by) <= 200)),
  constraint staff_roles_role_check check (role in ('reviewer', 'admin')),
  constraint staff_roles_user_id_fkey foreign key (user_id) references public.users(id) on delete cascade
);
alter table private.staff_roles enable row level security;
