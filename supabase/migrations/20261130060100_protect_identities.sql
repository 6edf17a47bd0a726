/**
 * Users, identities, sessions and local auth: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.users ------------------------------------------------------------------------------------
create policy "Users can update their own profile" on public.users for update to authenticated
  using ((id = (select auth.uid())) and (not (select private.is_api_key_request())))
  with check ((id = (select auth.uid())) and (not (select private.is_api_key_request())));
create policy "Users can view their own profile" on public.users for select to authenticated
  using (id = (select auth.uid()));
revoke all on table public.users from anon, authenticated;
grant select on table public.users to authenticated;
grant all on table public.users to service_role;
grant update (display_name, locale, time_zone) on table public.users to authenticated;

-- public.identities -------------------------------------------------------------------------------
create policy "Users can create identities for themselves" on public.identities for insert to authenticated
  with check ((user_id = (select auth.uid())) and (not (select private.is_api_key_request())));
create policy "Users can delete their own identities" on public.identities for delete to authenticated
  using ((user_id = (select auth.uid())) and (not (select private.is_api_key_request())));
create policy "Users can update their own identities" on public.identities for update to authenticated
  using ((user_id = (select auth.uid())) and (not (select private.is_api_key_request())))
  with check ((user_id = (select auth.uid())) and (not (select private.is_api_key_request())));
create policy "Users can view their own identities" on public.identities for select to authenticated
  using ((user_id = (select auth.uid())) and ((not (select private.is_api_key_request())) or (id = (select private.active_identity_id()))));
revoke all on table public.identities from anon, authenticated;
grant select, insert, delete on table public.identities to authenticated;
grant all on table public.identities to service_role;
grant update (name, kind, color, is_default) on table public.identities to authenticated;

-- private.session_identities ----------------------------------------------------------------------
revoke all on table private.session_identities from anon, authenticated;

-- private.auth_mail_tokens ------------------------------------------------------------------------
revoke all on table private.auth_mail_tokens from anon, authenticated;
grant all on table private.auth_mail_tokens to service_role;
