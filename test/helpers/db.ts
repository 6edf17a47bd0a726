import { afterAll, inject } from 'vitest';
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
