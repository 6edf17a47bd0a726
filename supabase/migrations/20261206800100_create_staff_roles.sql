/**
 * Staff roles of a deployment: the people who review agent runs held for human review (`reviewer`)
 * and who grant token top-ups (`admin`, which includes reviewing). Kept in schema `private`, which
 * PostgREST does not serve: no client can read or write the table, only `npm run staff` (the
 * operator, as the database owner) grants and revokes, and every change lands on the person's
 * audit chain. Policies and RPCs ask `private.has_staff_role`, which an API key never satisfies
 * (staff act in person).
 */

/** One staff role of a user; at most one row per user (admin includes reviewer). */
create table private.staff_roles (
  user_id uuid primary key references public.users (id) on delete cascade,
  role text not null check (role in ('reviewer', 'admin')),
  granted_at timestamptz not null default now(),
  granted_by text not null check (length(granted_by) between 1 and 200)
);
alter table private.staff_roles enable row level security;
revoke all on table private.staff_roles from public, anon, authenticated;
grant all on table private.staff_roles to service_role;

/**
 * Whether the signed-in person (never an API key) holds `p_role`: `reviewer` is held by reviewers
 * and admins, `admin` by admins only.
 */
create function private.has_staff_role(p_role text) returns boolean
language sql stable security definer
set search_path = ''
as $$
  select not private.is_api_key_request()
    and exists (select 1 from private.staff_roles s
                where s.user_id = (select auth.uid())
                  and (s.role = p_role or s.role = 'admin'))
$$;
revoke all on function private.has_staff_role(text) from public, anon;
grant execute on function private.has_staff_role(text) to authenticated, service_role;

/**
 * Grants (or, with `p_role` null, revokes) a staff role of the user with `p_email`, on behalf of
 * `p_by` (who ran the command), and audits it on the user's default identity. Service/owner only.
 */
create function private.set_staff_role(p_email text, p_role text, p_by text) returns uuid
language plpgsql security definer
set search_path = ''
as $$
declare
  uid uuid;
  ident uuid;
begin
  select u.id into uid from public.users u where lower(u.email) = lower(p_email);
  if not found then
    raise exception 'no user with email %', p_email using errcode = 'P0002';
  end if;
  if p_role is null then
    delete from private.staff_roles s where s.user_id = uid;
  else
    insert into private.staff_roles (user_id, role, granted_by) values (uid, p_role, p_by)
    on conflict (user_id) do update set role = excluded.role, granted_at = now(), granted_by = excluded.granted_by;
  end if;
  select i.id into ident from public.identities i where i.user_id = uid order by i.is_default desc, i.created_at limit 1;
  if ident is not null then
    perform private.audit(ident, case when p_role is null then 'staff.revoked' else 'staff.granted' end, 'user', uid,
                          jsonb_build_object('role', p_role, 'by', p_by));
  end if;
  return uid;
end;
$$;
revoke all on function private.set_staff_role(text, text, text) from public, anon, authenticated;
grant execute on function private.set_staff_role(text, text, text) to service_role;
