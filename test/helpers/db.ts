import { afterAll, inject } from 'vitest';
import type { Sql } from 'postgres';
import { connect } from '../../server/db/connect.ts';
import { createDataAccess } from '../../supabase/functions/_shared/dataAccess.ts';

/** A pool on the run's database and its data access, closed after the file. */
export function useDatabase(max = 4) {
  const sql = connect(inject('databaseUrl'), { max });
  afterAll(() => sql.end({ timeout: 5 }));
  return { sql, ...createDataAccess(sql) };
}

/** The SQLSTATE of a rejected promise, or 'ok' when it resolved. */
export async function sqlState(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? 'unknown';
  }
}

/**
 * Resolves once backend `pid` waits for a heavyweight lock (bounded: 200 polls of 25 ms), for
 * tests that order two real transactions: the second has reached the lock the first holds.
 */
export async function waitsForLock(sql: Sql, pid: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const [row] = await sql`select wait_event_type from pg_stat_activity where pid = ${pid}`;
    if (row?.wait_event_type === 'Lock') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`backend ${pid} never waited for a lock`);
}

/** A promise and the function that settles it, for tests that order two real transactions. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
