/**
 * Shared spaces (issue 14), part 6: a brand-new user can act at once. Sign-up used to create only
 * the profile, a default identity and an empty token account: no sphere, no dataspace, no tokens,
 * so nothing could be created or run before someone seeded rows by hand.
 *
 * `private.onboard_user` now completes what a user lacks, idempotently: the profile, a default
 * identity with its token account, a personal sphere and a starter dataspace (named in the sign-up's
 * `locale` metadata when given, 'en…' or 'fr…', else the profile's default fr-CA), and, when the user
 * has no subscription yet, the active `free` plan of the catalog with its first period's tokens
 * granted through the ledger (`private.ledger_grant_subscription`: the same rule, key and
 * plan_grants row as the monthly grant job). Pending invitations to the user's confirmed e-mail
 * become notifications of the new identity.
 * - Local auth: sign-up calls `private.provision_user` (now onboard_user) in the transaction that
 *   creates the auth user, as before.
 * - A hosted project: Supabase Auth creates the auth user, and the client calls the idempotent
 *   `POST /onboarding` (private.onboard_me) once signed in, then refreshes its session (the access
 *   token hook then names the new identity). No trigger on auth.users: the seed inserts auth users
 *   and their rows itself, and Supabase Auth's tables are not ours to attach to.
 * Without an active `free` plan in the catalog (the plans are catalog data), a user starts with an
 * empty account, as before.
 */

/**
 * Grants one subscription every monthly period that has begun and is not granted yet (the body of
 * private.ledger_grant_plans for one subscription). Returns the number of grants made.
 */
create function private.ledger_grant_subscription(p_subscription uuid) returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  s record;
  target uuid;
  period_start timestamptz;
  period_date date;
  k integer := 0;
  mv public.token_movements;
  n integer := 0;
begin
  select us.id, us.user_id, us.identity_id, us.plan_id, us.current_period_start, us.current_period_end,
         p.monthly_tokens, u.time_zone
  into s
  from public.user_subscriptions us
  join public.subscription_plans p on p.id = us.plan_id
  join public.users u on u.id = us.user_id
  where us.id = p_subscription and us.status = 'active' and us.current_period_start <= now() and p.monthly_tokens > 0
  for update of us;
  if s.id is null then
    return 0;
  end if;
  target := coalesce(s.identity_id,
    (select i.id from public.identities i where i.user_id = s.user_id and i.is_default));
  if target is null then
    return 0;
  end if;
  insert into public.token_accounts (kind, identity_id, user_id)
  values ('identity', target, s.user_id)
  on conflict do nothing;
  loop
    period_start := s.current_period_start + make_interval(months => k);
    exit when period_start > now() or period_start >= s.current_period_end;
    period_date := (period_start at time zone s.time_zone)::date;
    if not exists (select 1 from public.plan_grants g
                   where g.subscription_id = s.id and g.period_start = period_date) then
      mv := private.ledger_credit(target, s.monthly_tokens, format('plan:%s:%s', s.id, period_date), 'plan',
                                  s.plan_id);
      insert into public.plan_grants (identity_id, subscription_id, plan_id, period_start, movement_id, tokens)
      values (target, s.id, s.plan_id, period_date, mv.id, s.monthly_tokens);
      n := n + 1;
    end if;
    k := k + 1;
  end loop;
  return n;
end;
$$;

/** The monthly grant job (restated): every active subscription through private.ledger_grant_subscription. */
create or replace function private.ledger_grant_plans() returns integer
language plpgsql security definer
set search_path = ''
as $$
declare
  s record;
  n integer := 0;
begin
  for s in
    select us.id from public.user_subscriptions us
    join public.subscription_plans p on p.id = us.plan_id
    where us.status = 'active' and us.current_period_start <= now() and p.monthly_tokens > 0
    order by us.id
  loop
    n := n + private.ledger_grant_subscription(s.id);
  end loop;
  return n;
end;
$$;

/**
 * Completes what user `p_user` lacks to act at once (see the migration's comment); idempotent.
 * Returns the user's default identity.
 */
create function private.onboard_user(p_user uuid, p_email text, p_display_name text) returns public.identities
language plpgsql volatile security definer
set search_path = ''
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
revoke execute on function private.onboard_user(uuid, text, text), private.ledger_grant_subscription(uuid)
  from public, anon, authenticated;
grant execute on function private.onboard_user(uuid, text, text), private.ledger_grant_subscription(uuid)
  to service_role;

/** Local auth's sign-up: creates and onboards the user (see private.onboard_user). */
create or replace function private.provision_user(p_user_id uuid, p_email text, p_display_name text)
returns public.identities
language plpgsql volatile security definer
set search_path = ''
as $$
begin
  return private.onboard_user(p_user_id, p_email, p_display_name);
end;
$$;

/**
 * `POST /onboarding` on a hosted project: onboards the signed-in user (auth.uid()) from their auth
 * row, idempotently; refused to API keys. Returns {identity_id, sphere_id, dataspace_id, balance}.
 */
create function private.onboard_me(p_display_name text default null) returns jsonb
language plpgsql volatile security definer
set search_path = ''
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
revoke execute on function private.onboard_me(text) from public, anon;
grant execute on function private.onboard_me(text) to authenticated, service_role;
