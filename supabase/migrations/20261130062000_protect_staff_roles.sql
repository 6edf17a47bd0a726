/**
 * Staff roles: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- private.staff_roles -----------------------------------------------------------------------------
revoke all on table private.staff_roles from anon, authenticated;
grant all on table private.staff_roles to service_role;
