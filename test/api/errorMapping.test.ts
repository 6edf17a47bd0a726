/**
 * Database errors to API errors (supabase/functions/_shared/errors.ts), on errors a real Postgres
 * raises: each maps to the API's code and status, and what reaches the client never names a
 * SQLSTATE, a constraint, a table or Postgres' own wording (that goes to the server's log).
 */
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../shared/api/common.ts';
import { apiCodeOf, fromPostgres } from '../../supabase/functions/_shared/errors.ts';
import { useDatabase } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';
import { inRollback } from '../helpers/rollback.ts';

const { sql } = useDatabase(1);

/** The error a statement raises (in a savepoint of the rolled-back scenario). */
async function raised(run: (tx: TransactionSql) => Promise<unknown>) {
  let error: unknown;
  await inRollback(sql, async (s) => {
    try {
      await s.tx.savepoint((sp) => run(sp));
    } catch (e) {
      error = e;
    }
  });
  expect(error, 'the statement fails').toBeDefined();
  return error as { code: string; constraint_name?: string; message: string };
}

const SHOWN_INTERNALS = /sqlstate|constraint|violates|relation|syntax|duplicate key|_fkey|_pkey|_check/i;
const SQLSTATE = /\b(?=[0-9A-Z]*[0-9])[0-9A-Z]{5}\b/;

function expectMapped(error: unknown, op: 'read' | 'write' | 'delete', code: keyof typeof API_ERRORS) {
  const mapped = fromPostgres(error, op);
  expect(mapped?.code, (error as Error).message).toBe(code);
  expect(mapped!.status).toBe(API_ERRORS[code]);
  const shown = `${mapped!.message} ${JSON.stringify(mapped!.details ?? null)}`;
  expect(shown).not.toMatch(SHOWN_INTERNALS);
  expect(shown).not.toMatch(SQLSTATE);
  return mapped!;
}

describe('fromPostgres', () => {
  it('maps integrity violations: unique → 409, reference → 404 (409 on delete), check → 400 naming the field', async () => {
    const unique = await raised(
      (tx) =>
        tx`insert into public.encoding_profiles (slug, name) select slug, name from public.encoding_profiles limit 1`,
    );
    expect(unique.code).toBe('23505');
    expectMapped(unique, 'write', 'conflict');
    const reference = await raised(
      (tx) => tx`insert into public.threads (identity_id, dataspace_id, title)
                 values (${SEED.a1}, gen_random_uuid(), 'orpheline')`,
    );
    expect(reference.code).toBe('23503');
    expectMapped(reference, 'write', 'not_found');
    expectMapped(reference, 'delete', 'conflict');
    const check = await raised((tx) => tx`update public.xr_rooms set capacity = -1 where true`);
    if (check.code === '23514') {
      const mapped = expectMapped(check, 'write', 'constraint_violation');
      expect(mapped.details).toEqual([expect.objectContaining({ path: 'body.capacity' })]);
    }
    const notNull = await raised(
      (tx) => tx`insert into public.spheres (identity_id, name) values (${SEED.a1}, null)`,
    );
    expect(notNull.code).toBe('23502');
    expectMapped(notNull, 'write', 'constraint_violation');
  });

  it('maps data exceptions (NUL, bad uuid, out-of-range dates, untranslatable JSON) to 400', async () => {
    const statements: [string, (tx: TransactionSql) => Promise<unknown>][] = [
      ['22021', (tx) => tx`select ${'a\u0000b'}::text`],
      ['22P02', (tx) => tx`select 'not-a-uuid'::uuid`],
      ['22P05', (tx) => tx`select '"\\u0000"'::jsonb`],
      ['22008', (tx) => tx`select '294277-01-01'::timestamptz`],
    ];
    for (const [state, run] of statements) {
      const error = await raised(run);
      expect(error.code, state).toMatch(/^22/);
      expectMapped(error, 'write', 'constraint_violation');
    }
  });

  it('maps too deep a value to 413, RLS to 403, concurrency to 409, and leaves the rest unmapped (500)', async () => {
    const deep = await raised((tx) => tx`select (repeat('[', 100000) || repeat(']', 100000))::jsonb`);
    expect(deep.code).toMatch(/^54/);
    expectMapped(deep, 'write', 'payload_too_large');
    const rls = await raised(async (tx) => {
      await tx`set local role anon`;
      return tx`insert into public.spheres (name) values ('x')`;
    });
    expect(rls.code).toBe('42501');
    expectMapped(rls, 'write', 'forbidden');
    expectMapped({ code: '40001', message: 'could not serialize access' }, 'write', 'conflict');
    expectMapped(
      { code: '57014', message: 'canceling statement due to statement timeout' },
      'read',
      'timeout',
    );
    const missing = await raised((tx) => tx`select * from public.no_such_table`);
    expect(fromPostgres(missing)).toBeUndefined();
    expect(fromPostgres(new Error('plain'))).toBeUndefined();
  });
});

describe('apiCodeOf', () => {
  it('gives the pipeline’s and ledger’s refusals one API code each', () => {
    expect(apiCodeOf('idempotency_conflict')).toBe('idempotency_key_reused');
    expect(apiCodeOf('invalid_request')).toBe('validation_failed');
    expect(apiCodeOf('invalid_input')).toBe('validation_failed');
    expect(apiCodeOf('workflow_not_found')).toBe('not_found');
    expect(apiCodeOf('insufficient_balance')).toBe('insufficient_balance');
    expect(apiCodeOf('something_new')).toBe('bad_request');
  });
});
