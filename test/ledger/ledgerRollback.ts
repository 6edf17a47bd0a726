import type { Sql } from 'postgres';
import { type Scenario, scenarioOf } from '../helpers/rollback.ts';

const ROLLBACK = Symbol('rollback');

/**
 * test/helpers/rollback.ts' `inRollback`, pinned to READ COMMITTED. Ledger writers update rows
 * every writer shares (system account shards, an identity's audit chain head) and rely on each
 * statement seeing what committed before its locks were granted, as the server's transactions do;
 * under REPEATABLE READ a scenario would fail with 40001 (or a duplicate audit seq) whenever another
 * test file commits to those rows meanwhile.
 */
export async function inLedgerRollback(sql: Sql, fn: (s: Scenario) => Promise<void>): Promise<void> {
  try {
    await sql.begin('isolation level read committed', async (tx) => {
      await fn(scenarioOf(tx));
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}
