/**
 * Every table in schema public, by how access to it is ruled. The RLS suites test each class;
 * a table missing here fails the suite, so a new migration must classify its tables.
 * Anything not listed below must be identity-owned (an `identity_id` column).
 */
export const CATALOG_TABLES = [
  'agents',
  'agent_compatibility_matrix',
  'encoding_profiles',
  'encoding_rules',
  'subscription_plans',
] as const;

/** Owned by a user (all of that user's identities see them), keyed by this column. */
export const USER_TABLES = { users: 'id', identities: 'user_id', user_subscriptions: 'user_id' } as const;

/**
 * Ruled by their own policies and functions; covered by their own scenario files. The sharing
 * tables (issue 14: test/db/sharing.test.ts, test/db/rlsSharedTables.test.ts) are identity-owned
 * (the dataspace owner's) but written only by the sharing functions and read by members, invitees
 * and inviters as well, so the generic owner/other-identity suite does not describe them.
 */
export const SPECIAL_TABLES = [
  'audit_log',
  'elevation_requests',
  'dataspace_members',
  'invitations',
  'share_links',
] as const;

/**
 * Identity-owned tables a membership or a meeting seat never opens (issue 14), each with why. Every
 * other identity-owned table must have a sharing rule in `private.share_rules` (protect_sharing):
 * test/db/rlsSharedTables.test.ts fails on a table in neither.
 */
export const NOT_SHARED: Record<string, string> = {
  spheres: "a member sees the shared dataspace, nothing else of the owner's life areas",
  domains: "a member sees the shared dataspace, nothing else of the owner's life areas",
  properties: 'immobilier records (tenants, rents) stay the owner’s',
  property_units: 'immobilier records stay the owner’s',
  tenants: 'personal data of the owner’s tenants',
  rent_payments: 'the owner’s income',
  construction_projects: 'client and contract data stay the owner’s',
  construction_estimates: 'client and contract data stay the owner’s',
  estimate_line_items: 'client and contract data stay the owner’s',
  oneclick_workflows: 'the owner’s automations (they spend the owner’s tokens)',
  workflow_steps: 'the owner’s automations',
  oneclick_executions: 'the owner’s automation runs',
  backstage_contexts: 'what an agent was given: the run’s record, kept with the owner',
  scope_locks: 'the pipeline’s locks',
  token_accounts: 'a balance is its identity’s',
  token_movements: 'the ledger is per identity',
  token_transactions: 'the ledger is per identity',
  token_reservations: 'the ledger is per identity (a member’s run holds the member’s tokens)',
  token_allocations: 'the owner’s earmarks',
  plan_grants: 'billing is the owner’s',
  notifications: 'addressed to one identity',
  notification_channels: 'credentials (closed to elevation too)',
  notification_deliveries: 'the owner’s deliveries',
  nova_contexts: 'the owner’s assistant state',
  nova_guidance_history: 'the owner’s assistant state',
  bureau_configurations: 'the owner’s desk',
  api_keys: 'credentials (closed to elevation too)',
  idempotency_keys: 'stored answers, possibly with credentials',
  xr_avatars: 'each identity’s own look',
};

/**
 * Identity-owned tables that hold credentials (signing secrets, key hashes, stored answers that
 * carried a new key): an elevation never opens them, only their own identity sees or writes them.
 */
export const CLOSED_TO_ELEVATION = ['api_keys', 'idempotency_keys', 'notification_channels'] as const;
