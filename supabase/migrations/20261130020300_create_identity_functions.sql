/**
 * Identities, sessions and onboarding: functions.
 * Part of the baseline (20261130*): each function in its final version, with its why.
 */

/** Refuses what only a person (not an API key, not an anonymous call) may do to their plan. */
create function private.assert_person()
 returns uuid
 language plpgsql
 stable security definer
 set search_path to ''
as $$
begin
  if (select auth.uid()) is null or private.is_api_key_request() then
    raise exception 'plans are managed by the signed-in person, not an API key' using errcode = '42501';
  end if;
  return (select auth.uid());
end;
$$;
grant execute on function private.assert_person() to authenticated;

/**
 * `POST /onboarding` on a hosted project: onboards the signed-in user (auth.uid()) from their auth
 * row, idempotently; refused to API keys. Returns {identity_id, sphere_id, dataspace_id, balance}.
 */
create function private.onboard_me(p_display_name text default null::text)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  uid uuid := auth.uid();
  au record;
  ident public.identities;
begin
  if uid is null or (select private.is_api_key_request()) then
    raise exception 'onboarding is for a signed-in user' using errcode = '42501';
  end if;
  select u.email, u.raw_user_meta_data into au from auth.users u where u.id = uid;
  if au.email is null then
    raise exception 'no auth user % with an e-mail', uid using errcode = 'P0002';
  end if;
  ident := private.onboard_user(uid, lower(au.email),
    left(coalesce(nullif(btrim(p_display_name), ''), nullif(btrim(au.raw_user_meta_data ->> 'display_name'), ''),
                  split_part(au.email, '@', 1)), 120));
  return jsonb_build_object(
    'identity_id', ident.id,
    'sphere_id', (select s.id from public.spheres s where s.identity_id = ident.id order by s.created_at, s.id limit 1),
    'dataspace_id', (select d.id from public.dataspaces d where d.identity_id = ident.id
                     order by d.created_at, d.id limit 1),
    'balance', (select a.balance from public.token_accounts a where a.identity_id = ident.id));
end;
$$;
grant execute on function private.onboard_me(p_display_name text) to authenticated, service_role;

/**
 * Completes what user `p_user` lacks to act at once (see the migration's comment); idempotent.
 * Returns the user's default identity.
 */
create function private.onboard_user(p_user uuid, p_email text, p_display_name text)
 returns public.identities
 language plpgsql
 security definer
 set search_path to ''
as $$
declare
  ident public.identities;
  v_sphere uuid;
  v_dataspace uuid;
  plan record;
  sub_id uuid;
  granted integer := 0;
  confirmed boolean;
  meta_locale text;
  french boolean;
begin
  -- the language of the starter names: the sign-up's `locale` metadata, else the profile's default
  select u.raw_user_meta_data ->> 'locale' into meta_locale from auth.users u where u.id = p_user;
  insert into public.users (id, email, display_name, locale)
  values (p_user, p_email, p_display_name,
          case when meta_locale ~ '^[a-z]{2}(-[A-Z]{2})?$' then meta_locale else 'fr-CA' end)
  on conflict (id) do nothing;
  french := coalesce((select u.locale like 'fr%' from public.users u where u.id = p_user), true);
  select i.* into ident from public.identities i
  where i.user_id = p_user order by i.is_default desc, i.created_at, i.id limit 1;
  if ident.id is null then
    insert into public.identities (user_id, name, kind, is_default)
    values (p_user, p_display_name, 'personal', true)
    returning * into ident;
    perform private.audit(ident.id, 'identity.created', 'identity', ident.id, '{"by":"sign-up"}'::jsonb);
  end if;
  insert into public.token_accounts (kind, identity_id, user_id) values ('identity', ident.id, p_user)
  on conflict do nothing;

  select s.id into v_sphere from public.spheres s where s.identity_id = ident.id order by s.created_at, s.id limit 1;
  if v_sphere is null then
    insert into public.spheres (identity_id, name, kind)
    values (ident.id, case when french then 'Personnel' else 'Personal' end, 'personal')
    returning id into v_sphere;
  end if;
  select d.id into v_dataspace from public.dataspaces d where d.identity_id = ident.id
  order by d.created_at, d.id limit 1;
  if v_dataspace is null then
    insert into public.dataspaces (identity_id, user_id, sphere_id, name, description, kind)
    values (ident.id, p_user, v_sphere, case when french then 'Mon premier espace' else 'My first space' end,
            case when french
                 then 'Votre espace de départ : ses fils, sa mémoire, ses réunions, ses ateliers et sa salle, à partager.'
                 else 'Your starter dataspace: its threads, memory, meetings, workspaces and room are yours to share.' end,
            'personal')
    returning id into v_dataspace;
  end if;

  if not exists (select 1 from public.user_subscriptions us where us.user_id = p_user) then
    select p.id, p.monthly_tokens into plan from public.subscription_plans p where p.slug = 'free' and p.active;
    if plan.id is not null then
      insert into public.user_subscriptions (user_id, plan_id, identity_id, status, current_period_start,
                                             current_period_end)
      values (p_user, plan.id, ident.id, 'active', now(), now() + interval '1 month')
      returning id into sub_id;
      granted := private.ledger_grant_subscription(sub_id);
    end if;
  end if;

  select u.email_confirmed_at is not null into confirmed from auth.users u where u.id = p_user;
  insert into public.notifications (identity_id, kind, title, data)
  select ident.id, 'invitation.received',
         left(format('You are invited to %s "%s" (%s)',
                     case when i.meeting_id is null then 'the dataspace' else 'the meeting' end,
                     coalesce(m.title, d.name), i.role), 200),
         jsonb_build_object('invitation_id', i.id, 'role', i.role,
                            'to', case when i.meeting_id is null then 'dataspace' else 'meeting' end)
  from public.invitations i
  join public.dataspaces d on d.id = i.dataspace_id
  left join public.meetings m on m.id = i.meeting_id
  where coalesce(confirmed, false) and i.invitee_email = lower(p_email) and i.status = 'pending'
    and i.expires_at > now()
    and not exists (select 1 from public.notifications n
                    where n.identity_id = ident.id and n.kind = 'invitation.received'
                      and n.data ->> 'invitation_id' = i.id::text);

  perform private.audit(ident.id, 'user.onboarded', 'identity', ident.id,
    jsonb_build_object('sphere_id', v_sphere, 'dataspace_id', v_dataspace, 'subscription_id', sub_id,
                       'plan_grants', granted));
  return ident;
end;
$$;
grant execute on function private.onboard_user(p_user uuid, p_email text, p_display_name text) to service_role;

/** The caller's own identity named by `p_identity`, or the active one; refuses another user's. */
create function private.own_identity(p_identity uuid)
 returns uuid
 language plpgsql
 stable security definer
 set search_path to ''
as $$
declare
  ident uuid := coalesce(p_identity, private.active_identity_id());
begin
  if not exists (select 1 from public.identities i where i.id = ident and i.user_id = (select auth.uid())) then
    raise exception 'no identity % of the signed-in user', ident using errcode = 'P0002';
  end if;
  return ident;
end;
$$;
grant execute on function private.own_identity(p_identity uuid) to authenticated;

/** Local auth's sign-up: creates and onboards the user (see private.onboard_user). */
create function private.provision_user(p_user_id uuid, p_email text, p_display_name text)
 returns public.identities
 language plpgsql
 security definer
 set search_path to ''
as $$
begin
  return private.onboard_user(p_user_id, p_email, p_display_name);
end;
$$;
grant execute on function private.provision_user(p_user_id uuid, p_email text, p_display_name text) to service_role;

/**
 * Makes `p_identity_id` the active identity of the request's session. Refused unless the identity
 * belongs to the requesting user and the request carries a session (API keys do not). The switch is
 * written to the new identity's audit chain. The caller then refreshes its session.
 */
create function private.switch_identity(p_identity_id uuid)
 returns public.identities
 language plpgsql
 security definer
 set search_path to ''
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
grant execute on function private.switch_identity(p_identity_id uuid) to authenticated, service_role;

/**
 * Supabase Auth's Custom Access Token Hook: adds the `identity_id` claim (the session's chosen
 * identity while the user still owns it, else the default identity) to every access token minted.
 * Local auth calls it the same way; on Supabase, enable it under Auth → Hooks.
 */
create function public.custom_access_token_hook(event jsonb)
 returns jsonb
 language plpgsql
 stable security definer
 set search_path to ''
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
revoke all on function public.custom_access_token_hook(event jsonb) from public, anon, authenticated;
grant execute on function public.custom_access_token_hook(event jsonb) to service_role;

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
