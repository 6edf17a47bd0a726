/**
 * The token ledger: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.token_accounts ---------------------------------------------------------------------------
create policy "Identities can view own or elevated token accounts" on public.token_accounts for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.token_accounts from anon, authenticated;
grant select on table public.token_accounts to authenticated;
grant all on table public.token_accounts to service_role;

-- public.token_movements --------------------------------------------------------------------------
create policy "Identities can view own or elevated token movements" on public.token_movements for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.token_movements from anon, authenticated;
revoke update, delete, truncate on table public.token_movements from service_role;
grant select on table public.token_movements to authenticated;
grant select, insert, references, trigger, maintain on table public.token_movements to service_role;

-- public.token_transactions -----------------------------------------------------------------------
create policy "Identities can view own or elevated token transactions" on public.token_transactions for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.token_transactions from anon, authenticated;
revoke update, delete, truncate on table public.token_transactions from service_role;
grant select on table public.token_transactions to authenticated;
grant select, insert, references, trigger, maintain on table public.token_transactions to service_role;

-- public.token_reservations -----------------------------------------------------------------------
create policy "Identities can view own or elevated token reservations" on public.token_reservations for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.token_reservations from anon, authenticated;
grant select on table public.token_reservations to authenticated;
grant all on table public.token_reservations to service_role;

-- public.token_budgets ----------------------------------------------------------------------------
create policy "Identities can view own or elevated token budgets" on public.token_budgets for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid))
     or ((select private.has_shares()) and (
case scope_type
    when 'dataspace'::text then scope_id
    when 'thread'::text then ( select t.dataspace_id
       from public.threads t
      where (t.id = token_budgets.scope_id))
    else null::uuid
end = any ((select private.shared_dataspace_ids(2))::uuid[]))));
revoke all on table public.token_budgets from anon, authenticated;
grant select on table public.token_budgets to authenticated;
grant all on table public.token_budgets to service_role;

-- public.token_allocations ------------------------------------------------------------------------
create policy "Identities can view own or elevated token allocations" on public.token_allocations for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, null::uuid)));
revoke all on table public.token_allocations from anon, authenticated;
grant select on table public.token_allocations to authenticated;
grant all on table public.token_allocations to service_role;
