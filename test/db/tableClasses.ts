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

/** Ruled by their own policies and functions; covered by their own scenario files. */
export const SPECIAL_TABLES = ['audit_log', 'elevation_requests'] as const;

/**
 * Identity-owned tables that hold credentials (signing secrets, key hashes, stored answers that
 * carried a new key): an elevation never opens them, only their own identity sees or writes them.
 */
export const CLOSED_TO_ELEVATION = ['api_keys', 'idempotency_keys', 'notification_channels'] as const;
