/**
 * Database errors to API errors (supabase/functions/_shared/errors.ts), on errors a real Postgres
 * raises: each maps to the API's code and status, and what reaches the client never names a
 * SQLSTATE, a constraint, a table or Postgres' own wording (that goes to the server's log).
 */
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { API_ERRORS, ERROR_CODES } from '../../shared/api/errors.ts';
import {
  LEDGER_ERROR_CODES,
  LEDGER_REFUSAL_STATES,
  ledgerRefusalOfError,
  toLedgerError,
} from '../../supabase/functions/_shared/ledger/ledgerErrors.ts';
import { fromPostgres } from '../../supabase/functions/_shared/errors.ts';
import { CHENU_ERROR_CODES } from '../../supabase/functions/_shared/chenu/threadArtifact.ts';
import {
  failureApiCode,
  PIPELINE_CODES,
  type PipelineCode,
} from '../../supabase/functions/_shared/pipeline/types.ts';
import { REALTIME_ERRORS } from '../../shared/protocol/spatialProtocol.ts';
import { useDatabase } from '../helpers/db.ts';
import { SEED, seedId } from '../helpers/personas.ts';
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

describe('one error-code table', () => {
  it('gives the pipeline, the ledger, the .chenu import and the rooms codes of the API table', () => {
    const answered = new Set(Object.keys(API_ERRORS));
    for (const code of [...PIPELINE_CODES, ...LEDGER_ERROR_CODES, ...CHENU_ERROR_CODES]) {
      expect(code in ERROR_CODES, code).toBe(true);
      // every one a route can answer as an error (a held run is the execute route's 202)
      expect(answered.has(failureApiCode(code as PipelineCode)) || answered.has(code), code).toBe(true);
    }
    for (const code of Object.values(REALTIME_ERRORS)) expect(code in ERROR_CODES, code).toBe(true);
    expect(failureApiCode('awaiting_review')).toBe('in_progress');
    // the refusals a run and the ledger share keep one code each, with one status
    expect(ERROR_CODES.idempotency_key_reused).toBe(422);
    expect(Object.values(LEDGER_REFUSAL_STATES)).toEqual([
      'insufficient_balance',
      'budget_exceeded',
      'budget_ended',
      'idempotency_key_reused',
    ]);
  });
});

describe('ledger refusals', () => {
  const B1_DATASPACE = seedId('b1', '0003');

  /** As expectMapped, for messages whose figures (20000 available) look like a SQLSTATE to it. */
  function refusalMapped(error: unknown, code: keyof typeof API_ERRORS) {
    const mapped = fromPostgres(error, 'write');
    expect(mapped).toMatchObject({ code, status: API_ERRORS[code] });
    const shown = `${mapped!.message} ${JSON.stringify(mapped!.details ?? null)}`;
    expect(shown).not.toMatch(SHOWN_INTERNALS);
    expect(shown).not.toMatch(/LD00\d/);
    return mapped!;
  }

  it('maps each refusal by its own SQLSTATE, with the scope from its JSON detail', async () => {
    const over = await raised(
      (tx) => tx`select private.ledger_reserve(${SEED.b1}, 9000, 'map-big', null, null, interval '1 minute',
                                               ${tx.json({ dataspace: B1_DATASPACE })})`,
    );
    expect(over.code).toBe('LD002');
    expect(ledgerRefusalOfError(over)).toMatchObject({
      code: 'budget_exceeded',
      scope: { type: 'dataspace', id: B1_DATASPACE },
      detail: { code: 'budget_exceeded', requested: 9000 },
    });
    expect(refusalMapped(over, 'budget_exceeded').details).toEqual({
      scope: { type: 'dataspace', id: B1_DATASPACE },
    });
    expect(() => toLedgerError(over)).toThrow(
      expect.objectContaining({ code: 'budget_exceeded', status: 402 }),
    );

    const poor = await raised(
      (tx) => tx`select private.ledger_transfer(${SEED.b2}, ${SEED.b1}, 1000000000, 'map-poor')`,
    );
    expect(poor.code).toBe('LD001');
    expect(ledgerRefusalOfError(poor)).toMatchObject({
      code: 'insufficient_balance',
      scope: { type: 'identity', id: SEED.b2 },
    });
    refusalMapped(poor, 'insufficient_balance');

    const reused = await raised(async (tx) => {
      await tx`select private.ledger_credit(${SEED.a2}, 10, 'map-key', 'manual', null)`;
      return tx`select private.ledger_credit(${SEED.a2}, 11, 'map-key', 'manual', null)`;
    });
    expect(reused.code).toBe('LD004');
    refusalMapped(reused, 'idempotency_key_reused');
    expect(() => toLedgerError(reused)).toThrow(
      expect.objectContaining({ code: 'idempotency_key_reused', status: 422 }),
    );
  });

  it('never reads a refusal from message text', () => {
    const lookalike = {
      code: 'P0001',
      message: 'budget exceeded: thread 00000000-0000-4000-8000-000000000000',
    };
    expect(ledgerRefusalOfError(lookalike)).toBeNull();
    expect(() => toLedgerError(lookalike)).toThrow(lookalike.message);
    expect(
      toLedgerErrorCode({ code: '22023', message: 'idempotency key reused with a different request: k' }),
    ).toBe('validation_failed');
    // a refusal whose detail is not JSON keeps its code, without a scope
    expect(ledgerRefusalOfError({ code: 'LD003', message: 'budget ended', detail: 'not json' })).toEqual({
      code: 'budget_ended',
      message: 'budget ended',
      detail: {},
    });
  });
});

function toLedgerErrorCode(error: unknown): string | undefined {
  try {
    toLedgerError(error);
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}
