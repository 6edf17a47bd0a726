/**
 * Pipeline scope locks and idempotency keys: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.scope_locks ------------------------------------------------------------------------------
create policy "Identities can view own or elevated scope locks" on public.scope_locks for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.scope_locks from anon, authenticated;
grant select on table public.scope_locks to authenticated;
grant all on table public.scope_locks to service_role;

-- public.idempotency_keys -------------------------------------------------------------------------
create policy "Identities can view their own idempotency keys" on public.idempotency_keys for select to authenticated
  using (identity_id = (select private.active_identity_id()));
revoke all on table public.idempotency_keys from anon, authenticated;
grant select on table public.idempotency_keys to authenticated;
grant all on table public.idempotency_keys to service_role;
