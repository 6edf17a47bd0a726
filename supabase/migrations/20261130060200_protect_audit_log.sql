/**
 * The hash-chained audit log: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.audit_log --------------------------------------------------------------------------------
create policy "Identities can view their own audit trail" on public.audit_log for select to authenticated
  using (identity_id = (select private.active_identity_id()));
revoke all on table public.audit_log from anon, authenticated;
grant select on table public.audit_log to authenticated;
grant select, insert on table public.audit_log to service_role;
