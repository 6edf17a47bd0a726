/**
 * Row triggers: timestamps, owner and actor stamps, guards, ledger invariants.
 * Part of the baseline (20261130*). Trigger functions live in the `create_*_functions` files.
 */

-- public.users
create trigger users_touch_updated_at before update on public.users
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.identities
create trigger identities_touch_updated_at before update on public.identities
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.audit_log
create trigger audit_log_append_only before delete or update on public.audit_log
  for each row
  execute function private.audit_refuse_change();
create trigger audit_log_chain before insert on public.audit_log
  for each row
  execute function private.audit_chain_row();
create trigger audit_log_no_truncate before truncate on public.audit_log
  for each statement
  execute function private.audit_refuse_change();

-- public.spheres
create trigger spheres_touch_updated_at before update on public.spheres
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.domains
create trigger domains_touch_updated_at before update on public.domains
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.dataspaces
create trigger dataspaces_stamp_owner before insert or update of identity_id, user_id on public.dataspaces
  for each row
  execute function private.stamp_owner_user();
create trigger dataspaces_touch_updated_at before update on public.dataspaces
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.dataspace_members
create trigger dataspace_members_touch_updated_at before update on public.dataspace_members
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.invitations
create trigger invitations_touch_updated_at before update on public.invitations
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.share_links
create trigger share_links_touch_updated_at before update on public.share_links
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.threads
create trigger threads_set_tenant before insert on public.threads
  for each row
  execute function private.stamp_tenant('dataspace');
create trigger threads_touch_updated_at before update on public.threads
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.messages
create trigger messages_set_tenant before insert on public.messages
  for each row
  execute function private.stamp_tenant('thread');
create trigger messages_stamp_author before insert or update of author_identity_id on public.messages
  for each row
  execute function private.stamp_actor('author_identity_id');
create trigger messages_touch_thread after insert on public.messages
  for each row
  execute function private.touch_thread_activity();

-- public.decisions
create trigger decisions_set_tenant before insert on public.decisions
  for each row
  execute function private.stamp_tenant('thread');
create trigger decisions_touch_thread after insert on public.decisions
  for each row
  execute function private.touch_thread_activity();

-- public.workspaces
create trigger workspaces_set_tenant before insert on public.workspaces
  for each row
  execute function private.stamp_tenant('dataspace');
create trigger workspaces_stamp_owner before insert or update of identity_id, user_id on public.workspaces
  for each row
  execute function private.stamp_owner_user();
create trigger workspaces_touch_updated_at before update on public.workspaces
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.panels
create trigger panels_set_tenant before insert on public.panels
  for each row
  execute function private.stamp_tenant('workspace');
create trigger panels_touch_updated_at before update on public.panels
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.panel_states
create trigger panel_states_set_tenant before insert on public.panel_states
  for each row
  execute function private.stamp_tenant('panel');
create trigger panel_states_stamp_author before insert or update of author_identity_id on public.panel_states
  for each row
  execute function private.stamp_actor('author_identity_id');

-- public.workspace_transformations
create trigger workspace_transformations_set_tenant before insert on public.workspace_transformations
  for each row
  execute function private.stamp_tenant('workspace');
create trigger workspace_transformations_stamp_creator before insert or update of created_by on public.workspace_transformations
  for each row
  execute function private.stamp_actor('created_by');

-- public.workspace_state_history
create trigger workspace_state_history_set_tenant before insert on public.workspace_state_history
  for each row
  execute function private.stamp_tenant('workspace');

-- public.memory_items
create trigger memory_items_guard before insert or update on public.memory_items
  for each row
  execute function private.guard_memory_item();
create trigger memory_items_set_tenant before insert on public.memory_items
  for each row
  execute function private.stamp_tenant('dataspace');
create trigger memory_items_stamp_owner before insert or update of identity_id, user_id on public.memory_items
  for each row
  execute function private.stamp_owner_user();
create trigger memory_items_touch_updated_at before update on public.memory_items
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.memory_corrections
create trigger memory_corrections_set_tenant before insert on public.memory_corrections
  for each row
  execute function private.stamp_tenant('memory_item');

-- public.meetings
create trigger meetings_set_tenant before insert on public.meetings
  for each row
  execute function private.stamp_tenant('dataspace');
create trigger meetings_stamp_owner before insert or update of identity_id, user_id on public.meetings
  for each row
  execute function private.stamp_owner_user();
create trigger meetings_touch_updated_at before update on public.meetings
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.meeting_participants
create trigger meeting_participants_set_tenant before insert on public.meeting_participants
  for each row
  execute function private.stamp_tenant('meeting');
create trigger meeting_participants_touch_updated_at before update on public.meeting_participants
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.meeting_notes
create trigger meeting_notes_set_tenant before insert on public.meeting_notes
  for each row
  execute function private.stamp_tenant('meeting');
create trigger meeting_notes_stamp_author before insert or update of author_identity_id on public.meeting_notes
  for each row
  execute function private.stamp_actor('author_identity_id');
create trigger meeting_notes_touch_updated_at before update on public.meeting_notes
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.meeting_tasks
create trigger meeting_tasks_set_tenant before insert on public.meeting_tasks
  for each row
  execute function private.stamp_tenant('meeting');
create trigger meeting_tasks_touch_updated_at before update on public.meeting_tasks
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.properties
create trigger properties_touch_updated_at before update on public.properties
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.property_units
create trigger property_units_touch_updated_at before update on public.property_units
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.tenants
create trigger tenants_touch_updated_at before update on public.tenants
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.rent_payments
create trigger rent_payments_touch_updated_at before update on public.rent_payments
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.construction_projects
create trigger construction_projects_touch_updated_at before update on public.construction_projects
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.construction_estimates
create trigger construction_estimates_touch_updated_at before update on public.construction_estimates
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.estimate_line_items
create trigger estimate_line_items_touch_updated_at before update on public.estimate_line_items
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.encoding_profiles
create trigger encoding_profiles_touch_updated_at before update on public.encoding_profiles
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.encoding_rules
create trigger encoding_rules_touch_updated_at before update on public.encoding_rules
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.agents
create trigger agents_touch_updated_at before update on public.agents
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.agent_compatibility_matrix
create trigger agent_compatibility_matrix_touch_updated_at before update on public.agent_compatibility_matrix
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.agent_executions
create trigger agent_executions_default_runner before insert on public.agent_executions
  for each row
  execute function private.default_runner();
create trigger agent_executions_stamp_owner before insert or update of identity_id, user_id on public.agent_executions
  for each row
  execute function private.stamp_owner_user();
create trigger agent_executions_touch_updated_at before update on public.agent_executions
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.token_accounts
create trigger token_accounts_stamp_owner before insert or update of identity_id, user_id on public.token_accounts
  for each row
  execute function private.stamp_owner_user();
create trigger token_accounts_touch_updated_at before update on public.token_accounts
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.token_movements
create trigger token_movements_append_only before delete or update on public.token_movements
  for each row
  execute function private.ledger_refuse_change();
create trigger token_movements_no_truncate before truncate on public.token_movements
  for each statement
  execute function private.ledger_refuse_change();

-- public.token_transactions
create trigger token_transactions_append_only before delete or update on public.token_transactions
  for each row
  execute function private.ledger_refuse_change();
create constraint trigger token_transactions_balanced after insert on public.token_transactions deferrable initially deferred
  for each row
  execute function private.check_token_movement_balanced();
create trigger token_transactions_no_truncate before truncate on public.token_transactions
  for each statement
  execute function private.ledger_refuse_change();
create trigger token_transactions_stamp_owner before insert on public.token_transactions
  for each row
  execute function private.stamp_token_transaction_owner();

-- public.token_reservations
create trigger token_reservations_resolve_once before update on public.token_reservations
  for each row
  execute function private.token_reservation_resolve_once();
create trigger token_reservations_touch_updated_at before update on public.token_reservations
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.token_budgets
create trigger token_budgets_touch_updated_at before update on public.token_budgets
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.subscription_plans
create trigger subscription_plans_touch_updated_at before update on public.subscription_plans
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.user_subscriptions
create trigger user_subscriptions_touch_updated_at before update on public.user_subscriptions
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.api_keys
create trigger api_keys_guard_revocation before update on public.api_keys
  for each row
  execute function private.guard_api_key_revocation();
create trigger api_keys_stamp_owner before insert or update of identity_id, user_id on public.api_keys
  for each row
  execute function private.stamp_owner_user();

-- public.oneclick_workflows
create trigger oneclick_workflows_touch_updated_at before update on public.oneclick_workflows
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.workflow_steps
create trigger workflow_steps_touch_updated_at before update on public.workflow_steps
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.oneclick_executions
create trigger oneclick_executions_stamp_owner before insert or update of identity_id, user_id on public.oneclick_executions
  for each row
  execute function private.stamp_owner_user();
create trigger oneclick_executions_touch_updated_at before update on public.oneclick_executions
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.backstage_contexts
create trigger backstage_contexts_stamp_owner before insert or update of identity_id, user_id on public.backstage_contexts
  for each row
  execute function private.stamp_owner_user();

-- public.xr_rooms
create trigger xr_rooms_set_tenant before insert on public.xr_rooms
  for each row
  execute function private.stamp_tenant('dataspace');
create trigger xr_rooms_touch_updated_at before update on public.xr_rooms
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.xr_avatars
create trigger xr_avatars_touch_updated_at before update on public.xr_avatars
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.spatial_anchors
create trigger spatial_anchors_set_tenant before insert on public.spatial_anchors
  for each row
  execute function private.stamp_tenant('room');
create trigger spatial_anchors_stamp_creator before insert or update of created_by_identity_id on public.spatial_anchors
  for each row
  execute function private.stamp_actor('created_by_identity_id');
create trigger spatial_anchors_touch_updated_at before update on public.spatial_anchors
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.spatial_objects
create trigger spatial_objects_set_tenant before insert on public.spatial_objects
  for each row
  execute function private.stamp_tenant('room');
create trigger spatial_objects_touch_updated_at before update on public.spatial_objects
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.ocw_sessions
create trigger ocw_sessions_set_tenant before insert on public.ocw_sessions
  for each row
  execute function private.stamp_tenant('workspace');
create trigger ocw_sessions_touch_updated_at before update on public.ocw_sessions
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.files
create trigger files_set_tenant before insert on public.files
  for each row
  execute function private.stamp_tenant('dataspace');
create trigger files_touch_updated_at before update on public.files
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.notifications
create trigger notifications_stamp_owner before insert or update of identity_id, user_id on public.notifications
  for each row
  execute function private.stamp_owner_user();

-- public.notification_channels
create trigger notification_channels_touch_updated_at before update on public.notification_channels
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.notification_deliveries
create trigger notification_deliveries_touch_updated_at before update on public.notification_deliveries
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.nova_contexts
create trigger nova_contexts_stamp_owner before insert or update of identity_id, user_id on public.nova_contexts
  for each row
  execute function private.stamp_owner_user();
create trigger nova_contexts_touch_updated_at before update on public.nova_contexts
  for each row
  execute function extensions.moddatetime('updated_at');

-- public.bureau_configurations
create trigger bureau_configurations_touch_updated_at before update on public.bureau_configurations
  for each row
  execute function extensions.moddatetime('updated_at');
