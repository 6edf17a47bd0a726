/**
 * Elevation requests: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.elevation_requests -----------------------------------------------------------------------
create policy "Identities can view elevation requests they made or received" on public.elevation_requests for select to authenticated
  using ((select private.active_identity_id()) in (requester_identity_id, target_identity_id)
         or id = any ((select private.received_elevation_request_ids())::uuid[]));
revoke all on table public.elevation_requests from anon, authenticated;
grant select on table public.elevation_requests to authenticated;
grant all on table public.elevation_requests to service_role;

-- private.elevation_targets -----------------------------------------------------------------------
revoke all on table private.elevation_targets from anon, authenticated;
