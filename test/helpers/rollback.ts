import type { Sql, TransactionSql } from 'postgres';
import type { Claims } from '../../server/db/dataAccess.ts';

const ROLLBACK = Symbol('rollback');

export interface Scenario {
  tx: TransactionSql;
  /** Acts as `claims` from now on in this transaction (Supabase test helpers' authenticate_as). */
  as(claims: Claims): Promise<void>;
  /** Back to the connecting (owner) role: sees everything, bypasses RLS. */
  asOwner(): Promise<void>;
  /** The SQLSTATE a statement fails with ('ok' when it succeeds), isolated in a savepoint. */
  attempt<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<{ state: string; value?: T }>;
}

/**
 * Runs a scenario in one transaction that is always rolled back, so test files sharing the run's
 * database never see each other's writes.
 */
export async function inRollback(sql: Sql, fn: (s: Scenario) => Promise<void>): Promise<void> {
  try {
    await sql.begin(async (tx) => {
      const scenario: Scenario = {
        tx,
        async as(claims) {
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
      };
      await fn(scenario);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}
