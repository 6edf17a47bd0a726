/**
 * Encoding, agents and their executions: row level security policies and grants.
 * Part of the baseline (20261130*). Written out from what the old chain built with
 * `private.apply_identity_rls`, `apply_share_rls`, `apply_owner_only_rls`, `keep_server_columns` and
 * `hide_columns_from_clients` (those helpers remain for tables added later).
 */

-- public.encoding_profiles ------------------------------------------------------------------------
create policy "Authenticated users can view encoding profiles" on public.encoding_profiles for select to authenticated
  using (true);
revoke all on table public.encoding_profiles from anon, authenticated;
grant select on table public.encoding_profiles to authenticated;
grant all on table public.encoding_profiles to service_role;

-- public.encoding_rules ---------------------------------------------------------------------------
create policy "Authenticated users can view encoding rules" on public.encoding_rules for select to authenticated
  using (true);
revoke all on table public.encoding_rules from anon, authenticated;
grant select on table public.encoding_rules to authenticated;
grant all on table public.encoding_rules to service_role;

-- public.encoded_intents --------------------------------------------------------------------------
create policy "Identities can view own or elevated encoded intents" on public.encoded_intents for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, ( select t.dataspace_id
   from public.threads t
  where (t.id = encoded_intents.thread_id))))
     or ((select private.has_shares()) and (( select t.dataspace_id
   from public.threads t
  where (t.id = encoded_intents.thread_id)) = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.encoded_intents from anon, authenticated;
grant select on table public.encoded_intents to authenticated;
grant all on table public.encoded_intents to service_role;

-- public.agents -----------------------------------------------------------------------------------
create policy "Authenticated users can view active agents" on public.agents for select to authenticated
  using (active);
revoke all on table public.agents from anon, authenticated;
grant select on table public.agents to authenticated;
grant all on table public.agents to service_role;

-- public.agent_compatibility_matrix ---------------------------------------------------------------
create policy "Authenticated users can view the agent compatibility matrix" on public.agent_compatibility_matrix for select to authenticated
  using (true);
revoke all on table public.agent_compatibility_matrix from anon, authenticated;
grant select on table public.agent_compatibility_matrix to authenticated;
grant all on table public.agent_compatibility_matrix to service_role;

-- public.agent_executions -------------------------------------------------------------------------
create policy "Identities can view own or elevated agent executions" on public.agent_executions for select to authenticated
  using ((identity_id = (select private.active_identity_id()))
     or ((select private.has_elevations()) and private.elevated(identity_id, 'read'::text, null::uuid, dataspace_id))
     or ((select private.has_shares()) and (dataspace_id = any ((select private.shared_dataspace_ids(1))::uuid[]))));
revoke all on table public.agent_executions from anon, authenticated;
grant all on table public.agent_executions to service_role;
grant select (id, identity_id, agent_id, thread_id, dataspace_id, status, intent_text, task_type, encoded_intent_id, stages, tokens_estimated, tokens_reserved, tokens_used, reservation_id, idempotency_key, result, error, started_at, finished_at, created_at, updated_at, request_hash, runner_identity_id) on table public.agent_executions to authenticated;
