import type { Sql, TransactionSql } from 'postgres';
import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';

const ROLLBACK = Symbol('rollback');

export interface Scenario {
  tx: TransactionSql;
  /** Acts as `claims` from now on in this transaction (Supabase test helpers' authenticate_as). */
  as(claims: Claims): Promise<void>;
  /** Back to the connecting (owner) role: sees everything, bypasses RLS. */
  asOwner(): Promise<void>;
  /** The SQLSTATE a statement fails with ('ok' when it succeeds), isolated in a savepoint. */
  attempt<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<{ state: string; value?: T }>;
  /**
   * Pins the calendar clock of budget periods (`private.clock()`) to `at` for the rest of this
   * transaction: a test stands on the boundary it needs, or on the seed's own instant
   * (`seedClock()`), instead of on the day the suite runs.
   */
  pinClock(at: Date | string): Promise<void>;
}

/** The Scenario of one open transaction. */
export function scenarioOf(tx: TransactionSql): Scenario {
  return {
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
    async pinClock(at) {
      const instant = typeof at === 'string' ? at : at.toISOString();
      await tx`select set_config('chenu.clock', ${instant}, true)`;
    },
  };
}

/**
 * Runs a scenario in one transaction that is always rolled back, so test files sharing the run's
 * database never see each other's writes.
 */
export async function inRollback(sql: Sql, fn: (s: Scenario) => Promise<void>): Promise<void> {
  try {
    await sql.begin(async (tx) => {
      await fn(scenarioOf(tx));
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}
