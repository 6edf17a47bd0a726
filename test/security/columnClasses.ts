/**
 * Every column a client can write, by who decides its value. The column-forging suites
 * (ownerColumns, serverColumns) read this and the catalog: a table `authenticated` may insert into
 * or update whose columns are not all classified here fails them, so a new table or column is
 * classified before it ships. Tables a client cannot write at all (the ledger, the pipeline's runs,
 * catalogs, the audit trail...) need no entry: the suite checks that no column of theirs is writable.
 *
 * - `owner`: a denormalised owner column (`user_id` of an identity-owned table), stamped by the
 *   database from the row's identity whoever writes it (private.stamp_owner_user).
 * - `actor`: who wrote the row, stamped from the active identity on a client's write and never
 *   changed afterwards (private.stamp_actor).
 * - `rls`: the owner key of a user-owned table, which the table's policies check (a forged value is
 *   refused).
 * - `server`: server-kept state; only server functions write it (column privileges).
 * - `client`: the client's own data (RLS, checks and foreign keys rule it), including pointers it
 *   chooses (a meeting's participant, a task's assignee).
 */
export type ColumnClass = 'owner' | 'actor' | 'rls' | 'server' | 'client';

/**
 * The key, the row's owning identity (RLS checks it: test/db/rlsIdentityTables.test.ts) and the
 * timestamps: the same on every table, not listed per table.
 */
export const COMMON_COLUMNS = ['id', 'identity_id', 'created_at', 'updated_at'] as const;

export const COLUMN_CLASSES: Record<string, Partial<Record<ColumnClass, readonly string[]>>> = {
  api_keys: {
    owner: ['user_id'],
    server: ['prefix', 'key_hash', 'last_used_at'],
    client: ['name', 'permissions', 'expires_at', 'revoked_at'],
  },
  bureau_configurations: {
    client: ['sphere_id', 'section_order', 'visible_sections', 'default_section', 'layout_preferences'],
  },
  construction_estimates: { client: ['project_id', 'version', 'status', 'tax_rate', 'valid_until', 'notes'] },
  construction_projects: {
    client: [
      'dataspace_id',
      'name',
      'client_name',
      'client_email',
      'address',
      'status',
      'start_on',
      'end_on',
    ],
  },
  dataspaces: {
    owner: ['user_id'],
    client: ['sphere_id', 'domain_id', 'name', 'description', 'kind', 'archived_at'],
  },
  decisions: { client: ['thread_id', 'message_id', 'title', 'rationale', 'status', 'decided_at'] },
  domains: { client: ['sphere_id', 'name', 'kind'] },
  estimate_line_items: {
    client: ['estimate_id', 'position', 'description', 'category', 'quantity', 'unit', 'unit_price_cents'],
  },
  files: {
    server: ['size_bytes', 'sha256', 'storage_backend', 'storage_path'],
    client: ['dataspace_id', 'name', 'mime_type'],
  },
  identities: { rls: ['user_id'], client: ['name', 'kind', 'color', 'is_default'] },
  meeting_notes: { actor: ['author_identity_id'], client: ['meeting_id', 'body'] },
  meeting_participants: {
    // who a seat names gives it the meeting (issue 14): set by invitations, links and rooms only
    server: ['participant_identity_id', 'via_link_id'],
    client: ['meeting_id', 'display_name', 'email', 'role', 'joined_at', 'left_at', 'hand_raised_at'],
  },
  meeting_tasks: {
    client: ['meeting_id', 'note_id', 'assignee_participant_id', 'title', 'description', 'status', 'due_on'],
  },
  meetings: {
    owner: ['user_id'],
    client: [
      'dataspace_id',
      'thread_id',
      'title',
      'description',
      'agenda',
      'scheduled_at',
      'duration',
      'status',
      'started_at',
      'ended_at',
    ],
  },
  memory_corrections: { client: ['memory_item_id', 'kind', 'previous_content_sha256'] },
  memory_items: {
    owner: ['user_id'],
    server: ['origin', 'proposed_by_execution_id'],
    client: [
      'dataspace_id',
      'thread_id',
      'source_type',
      'source_id',
      'kind',
      'content',
      'sensitive',
      'status',
      'expires_at',
      'forgotten_at',
    ],
  },
  messages: {
    actor: ['author_identity_id'],
    server: ['author_kind', 'agent_execution_id'],
    client: ['thread_id', 'body'],
  },
  notification_channels: { client: ['channel', 'name', 'config', 'enabled', 'secret'] },
  notification_deliveries: {
    server: ['status', 'attempts', 'next_attempt_at', 'last_error', 'delivered_at'],
    client: ['notification_id', 'channel_id'],
  },
  notifications: { owner: ['user_id'], client: ['kind', 'title', 'body', 'data', 'read_at'] },
  nova_contexts: {
    owner: ['user_id'],
    client: [
      'session_id',
      'current_sphere_id',
      'current_dataspace_id',
      'context_state',
      'active_suggestions',
    ],
  },
  nova_guidance_history: { client: ['context_id', 'suggestion', 'action'] },
  ocw_sessions: {
    client: [
      'workspace_id',
      'status',
      'started_at',
      'ended_at',
      'participant_identity_ids',
      'document',
      'revision',
    ],
  },
  oneclick_workflows: {
    client: ['dataspace_id', 'name', 'description', 'trigger', 'trigger_config', 'active'],
  },
  panel_states: { actor: ['author_identity_id'], client: ['panel_id', 'version', 'state'] },
  panels: { client: ['workspace_id', 'kind', 'title', 'ref_id', 'position', 'layout', 'content'] },
  properties: {
    client: [
      'dataspace_id',
      'name',
      'kind',
      'address_line1',
      'address_line2',
      'city',
      'region',
      'postal_code',
      'country',
      'notes',
    ],
  },
  property_units: { client: ['property_id', 'label', 'bedrooms', 'area_m2', 'rent_cents'] },
  rent_payments: {
    client: [
      'tenant_id',
      'amount_cents',
      'currency',
      'period_month',
      'paid_on',
      'method',
      'status',
      'reference',
    ],
  },
  spheres: { client: ['name', 'kind', 'time_zone'] },
  tenants: {
    client: ['unit_id', 'full_name', 'email', 'phone', 'lease_start', 'lease_end', 'monthly_rent_cents'],
  },
  threads: {
    server: [
      'schema_version',
      'tokens_consumed',
      'scope_locked',
      'scope_locked_at',
      'last_activity_at',
      'tokens_reserved',
    ],
    client: ['dataspace_id', 'title', 'status', 'token_budget', 'encoding_profile_id'],
  },
  users: { server: ['email'], client: ['display_name', 'locale', 'time_zone'] },
  workflow_steps: {
    client: [
      'workflow_id',
      'position',
      'name',
      'step_type',
      'agent_id',
      'task_type',
      'input_mapping',
      'output_mapping',
      'conditions',
      'timeout_ms',
      'optional',
    ],
  },
  workspace_state_history: { client: ['workspace_id', 'version', 'state', 'transformation_id'] },
  workspace_transformations: {
    actor: ['created_by'],
    client: ['workspace_id', 'kind', 'description', 'from_version', 'to_version'],
  },
  workspaces: { owner: ['user_id'], client: ['dataspace_id', 'name', 'layout', 'state', 'version'] },
  xr_avatars: {
    server: ['room_poses'],
    client: ['display_name', 'color', 'model', 'last_room_id', 'last_pose'],
  },
  xr_rooms: {
    client: [
      'dataspace_id',
      'meeting_id',
      'workspace_id',
      'thread_id',
      'name',
      'kind',
      'capacity',
      'locked',
      'settings',
    ],
  },
};

/** The class of `column` of `table`, or undefined when it is not classified. */
export function classOf(table: string, column: string): ColumnClass | 'common' | undefined {
  if ((COMMON_COLUMNS as readonly string[]).includes(column)) return 'common';
  const spec = COLUMN_CLASSES[table];
  if (!spec) return undefined;
  return (Object.keys(spec) as ColumnClass[]).find((k) => spec[k]!.includes(column));
}

/** The columns of `table` in `cls`. */
export function columnsIn(table: string, cls: ColumnClass): readonly string[] {
  return COLUMN_CLASSES[table]?.[cls] ?? [];
}
