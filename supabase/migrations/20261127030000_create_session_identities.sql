/**
 * The active identity of each auth session. A session starts on the user's default identity; the
 * user switches with public.switch_identity() and then refreshes the session, and the access token
 * hook below puts the chosen identity into the new token's `identity_id` claim. The same hook is
 * what Supabase Auth calls on a hosted project (Custom Access Token Hook), so switching identity
 * works the same way through supabase-js locally and on Supabase.
 */
create table private.session_identities (
  -- no foreign key into auth: a hosted project's auth tables belong to Supabase Auth
  session_id uuid primary key,
  user_id uuid not null references public.users (id) on delete cascade,
  identity_id uuid not null references public.identities (id) on delete cascade,
  updated_at timestamptz not null default now()
);
alter table private.session_identities enable row level security;
create index session_identities_user_id_idx on private.session_identities (user_id);
create index session_identities_identity_id_idx on private.session_identities (identity_id);
revoke all on table private.session_identities from public, anon, authenticated;

/**
 * Makes `p_identity_id` the active identity of the request's session. Refused unless the identity
 * belongs to the requesting user and the request carries a session (API keys do not). The switch is
 * written to the new identity's audit chain. The caller then refreshes its session.
 */
create function public.switch_identity(p_identity_id uuid) returns public.identities
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  uid uuid := auth.uid();
  sid text := auth.jwt() ->> 'session_id';
  ident public.identities;
begin
  select * into ident from public.identities i where i.id = p_identity_id and i.user_id = uid;
  if not found or uid is null then
    raise exception 'identity % not found', p_identity_id using errcode = 'P0002';
  end if;
  if sid is null or sid !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception 'the request has no session to switch (sign in with a password)' using errcode = '42501';
  end if;
  insert into private.session_identities (session_id, user_id, identity_id)
  values (sid::uuid, uid, ident.id)
  on conflict (session_id) do update set identity_id = excluded.identity_id, updated_at = now();
  perform private.audit(ident.id, 'identity.switched', 'identity', ident.id,
    jsonb_build_object('session_id', sid));
  return ident;
end;
$$;
revoke execute on function public.switch_identity(uuid) from public, anon;
grant execute on function public.switch_identity(uuid) to authenticated, service_role;

/**
 * Supabase Auth's Custom Access Token Hook: adds the `identity_id` claim (the session's chosen
 * identity while the user still owns it, else the default identity) to every access token minted.
 * Local auth calls it the same way; on Supabase, enable it under Auth → Hooks.
 */
create function public.custom_access_token_hook(event jsonb) returns jsonb
language plpgsql stable security definer
set search_path = ''
as $$
declare
  claims jsonb := coalesce(event -> 'claims', '{}'::jsonb);
  uid uuid := (event ->> 'user_id')::uuid;
  sid text := claims ->> 'session_id';
  active uuid;
begin
  select s.identity_id into active
  from private.session_identities s
  join public.identities i on i.id = s.identity_id and i.user_id = uid
  where s.session_id::text = sid;
  if active is null then
    select i.id into active from public.identities i
    where i.user_id = uid order by i.is_default desc, i.created_at, i.id limit 1;
  end if;
  if active is not null then
    claims := jsonb_set(claims, '{identity_id}', to_jsonb(active::text));
  end if;
  return jsonb_build_object('claims', claims);
end;
$$;
revoke execute on function public.custom_access_token_hook(jsonb) from public, anon, authenticated;
grant execute on function public.custom_access_token_hook(jsonb) to service_role;

/**
 * Creates what a new auth user needs: the public profile and a default personal identity. Called
 * by local auth's sign-up in the transaction that creates the auth user.
 */
create function private.provision_user(p_user_id uuid, p_email text, p_display_name text)
returns public.identities
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  ident public.identities;
begin
  insert into public.users (id, email, display_name) values (p_user_id, p_email, p_display_name);
  insert into public.identities (user_id, name, kind, is_default)
  values (p_user_id, p_display_name, 'personal', true)
  returning * into ident;
  perform private.audit(ident.id, 'identity.created', 'identity', ident.id, '{"by":"sign-up"}'::jsonb);
  return ident;
end;
$$;
revoke execute on function private.provision_user(uuid, text, text) from public, anon, authenticated;
grant execute on function private.provision_user(uuid, text, text) to service_role;

do $$
begin
  -- on a hosted project, Supabase Auth runs the hook as supabase_auth_admin
  if exists (select 1 from pg_roles where rolname = 'supabase_auth_admin') then
    grant usage on schema private to supabase_auth_admin;
    grant execute on function public.custom_access_token_hook(jsonb) to supabase_auth_admin;
    grant select on table private.session_identities to supabase_auth_admin;
  end if;
end
$$;
