/**
 * Plans, subscriptions and API keys: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.subscription_plans -----------------------------------------------------------------------
create policy "Authenticated users can view active subscription plans" on public.subscription_plans for select to authenticated
  using (active);
revoke all on table public.subscription_plans from anon, authenticated;
grant select on table public.subscription_plans to authenticated;
grant all on table public.subscription_plans to service_role;

-- public.user_subscriptions -----------------------------------------------------------------------
create policy "Users can view their own subscriptions" on public.user_subscriptions for select to authenticated
  using ((user_id = (select auth.uid())) and (not (select private.is_api_key_request())));
revoke all on table public.user_subscriptions from anon, authenticated;
grant select on table public.user_subscriptions to authenticated;
grant all on table public.user_subscriptions to service_role;

-- public.plan_grants ------------------------------------------------------------------------------
create policy "Identities can view own or elevated plan grants" on public.plan_grants for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.plan_grants from anon, authenticated;
grant select on table public.plan_grants to authenticated;
grant all on table public.plan_grants to service_role;

-- public.api_keys ---------------------------------------------------------------------------------
create policy "Identities can create their own API keys" on public.api_keys for insert to authenticated
  with check ((identity_id = (select private.active_identity_id())) and (not (select private.is_api_key_request())));
create policy "Identities can delete their own API keys" on public.api_keys for delete to authenticated
  using ((identity_id = (select private.active_identity_id())) and (not (select private.is_api_key_request())));
create policy "Identities can update their own API keys" on public.api_keys for update to authenticated
  using ((identity_id = (select private.active_identity_id())) and (not (select private.is_api_key_request())))
  with check ((identity_id = (select private.active_identity_id())) and (not (select private.is_api_key_request())));
create policy "Identities can view their own API keys" on public.api_keys for select to authenticated
  using ((identity_id = (select private.active_identity_id())) and (not (select private.is_api_key_request())));
revoke all on table public.api_keys from anon, authenticated;
grant select, delete on table public.api_keys to authenticated;
grant all on table public.api_keys to service_role;
grant insert (id, identity_id, user_id, name, permissions, expires_at, revoked_at, created_at) on table public.api_keys to authenticated;
grant update (name, revoked_at) on table public.api_keys to authenticated;
