import type { Sql } from 'postgres';

/**
 * Creates the ledger's system accounts (the mint that issues tokens, the provider that receives
 * spending) when a database has none yet: the seed brings its own, an empty production database
 * gets them here. Idempotent and safe to run at every start.
 */
export async function ensureSystemAccounts(sql: Sql): Promise<void> {
  await sql`select private.ledger_ensure_system_accounts()`;
}
