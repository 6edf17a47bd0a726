/**
 * Workflows and backstage contexts: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.oneclick_workflows -----------------------------------------------------------------------
create policy "Identities can create own or elevated workflows" on public.oneclick_workflows for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can delete own or elevated workflows" on public.oneclick_workflows for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can update own or elevated workflows" on public.oneclick_workflows for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, dataspace_id)));
create policy "Identities can view own or elevated workflows" on public.oneclick_workflows for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id)));
revoke all on table public.oneclick_workflows from anon, authenticated;
grant select, insert, update, delete on table public.oneclick_workflows to authenticated;
grant all on table public.oneclick_workflows to service_role;

-- public.workflow_steps ---------------------------------------------------------------------------
create policy "Identities can create own or elevated workflow steps" on public.workflow_steps for insert to authenticated
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.oneclick_workflows w
  where (w.id = workflow_steps.workflow_id)))));
create policy "Identities can delete own or elevated workflow steps" on public.workflow_steps for delete to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.oneclick_workflows w
  where (w.id = workflow_steps.workflow_id)))));
create policy "Identities can update own or elevated workflow steps" on public.workflow_steps for update to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.oneclick_workflows w
  where (w.id = workflow_steps.workflow_id)))))
  with check ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'write'::text, null::uuid, ( select w.dataspace_id
   from public.oneclick_workflows w
  where (w.id = workflow_steps.workflow_id)))));
create policy "Identities can view own or elevated workflow steps" on public.workflow_steps for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, ( select w.dataspace_id
   from public.oneclick_workflows w
  where (w.id = workflow_steps.workflow_id)))));
revoke all on table public.workflow_steps from anon, authenticated;
grant select, insert, update, delete on table public.workflow_steps to authenticated;
grant all on table public.workflow_steps to service_role;

-- public.oneclick_executions ----------------------------------------------------------------------
create policy "Identities can view own or elevated workflow executions" on public.oneclick_executions for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, ( select w.dataspace_id
   from public.oneclick_workflows w
  where (w.id = oneclick_executions.workflow_id)))));
revoke all on table public.oneclick_executions from anon, authenticated;
grant select on table public.oneclick_executions to authenticated;
grant all on table public.oneclick_executions to service_role;

-- public.backstage_contexts -----------------------------------------------------------------------
create policy "Identities can view own or elevated backstage contexts" on public.backstage_contexts for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id)));
revoke all on table public.backstage_contexts from anon, authenticated;
grant select on table public.backstage_contexts to authenticated;
grant all on table public.backstage_contexts to service_role;
