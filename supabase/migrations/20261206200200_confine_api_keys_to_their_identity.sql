/**
 * An API key acts as the one identity that made it. A request authenticated by a key carries the
 * key's `api_key_id` claim (supabase/functions/_shared/auth.ts), and the user-level rows it could
 * reach until now (every identity of the user, the profile, the subscription) are closed to it: a
 * key made by one persona could list, rename or delete the user's other personas. Sessions
 * (password sign-in, Supabase Auth) are unchanged. Supabase Auth never mints an `api_key_id`
 * claim (the access token hook adds `identity_id` only), so only the API's key lookup sets it.
 */

/** True when the request was authenticated by an API key (its claims name the key). */
create function private.is_api_key_request() returns boolean
language sql stable
set search_path = ''
as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ? 'api_key_id', false)
$$;
grant execute on function private.is_api_key_request() to authenticated, service_role;

-- identities: a key sees only its own identity and manages none
alter policy "Users can view their own identities" on public.identities
  using (user_id = (select auth.uid())
         and (not (select private.is_api_key_request()) or id = (select private.active_identity_id())));
alter policy "Users can create identities for themselves" on public.identities
  with check (user_id = (select auth.uid()) and not (select private.is_api_key_request()));
alter policy "Users can update their own identities" on public.identities
  using (user_id = (select auth.uid()) and not (select private.is_api_key_request()))
  with check (user_id = (select auth.uid()) and not (select private.is_api_key_request()));
alter policy "Users can delete their own identities" on public.identities
  using (user_id = (select auth.uid()) and not (select private.is_api_key_request()));

-- the person's profile and billing are not an identity's
alter policy "Users can update their own profile" on public.users
  using (id = (select auth.uid()) and not (select private.is_api_key_request()))
  with check (id = (select auth.uid()) and not (select private.is_api_key_request()));
alter policy "Users can view their own subscriptions" on public.user_subscriptions
  using (user_id = (select auth.uid()) and not (select private.is_api_key_request()));
