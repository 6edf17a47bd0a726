import type { Sql } from 'postgres';
import type { Claims } from '../../server/db/dataAccess.ts';
import type { Scenario } from '../helpers/rollback.ts';

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
      await fn({
        tx,
        async as(claims: Claims) {
          await tx`select set_config('role', ${claims.role}, true),
                          set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        },
        async asOwner() {
          await tx`reset role`;
          await tx`select set_config('request.jwt.claims', '', true)`;
        },
        async attempt(run) {
          try {
            const value = await tx.savepoint((sp) => run(sp));
            return { state: 'ok', value: value as never };
          } catch (error) {
            const code = (error as { code?: string }).code;
            if (!code) throw error;
            return { state: code };
          }
        },
      });
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}
