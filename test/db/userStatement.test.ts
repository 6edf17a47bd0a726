import { describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { sqlState, useDatabase } from '../helpers/db.ts';
import { ANON, asIdentity, SEED } from '../helpers/personas.ts';

// one connection: every statement below reuses the connection userStatement ran on
const db = useDatabase(1);
// several connections: postgres.js refuses a BEGIN it did not open on a pooled connection
const pool = useDatabase(3);

/** What a connection left in the pool acts as: the connecting role, no claims, no open read-only transaction. */
const CLEAN = { role: 'postgres', claims: '', read_only: 'off' };
async function settingsOf(sql: Sql) {
  const [row] = await sql`
    select current_user as role, coalesce(current_setting('request.jwt.claims', true), '') as claims,
           current_setting('transaction_read_only') as read_only`;
  return row;
}

describe('userStatement (one-round-trip read as the request)', () => {
  it('runs the statement inside the read-only transaction that carries the role and claims', async () => {
    const [row] = await db.userStatement(
      asIdentity('a2'),
      (sql) => sql`
        select current_user as role,
               current_setting('request.jwt.claims', true)::jsonb ->> 'identity_id' as claimed,
               current_setting('transaction_read_only') as read_only,
               (select private.active_identity_id()) as active`,
    );
    expect(row).toEqual({ role: 'authenticated', claimed: SEED.a2, read_only: 'on', active: SEED.a2 });
  });

  it('lets RLS decide: only the active identity’s rows, never another user’s or identity’s', async () => {
    const owners = async (claims: ReturnType<typeof asIdentity>) =>
      (await db.userStatement(claims, (sql) => sql`select distinct identity_id from public.threads`)).map(
        (r) => r.identity_id,
      );
    expect(await owners(asIdentity('a1'))).toEqual([SEED.a1]);
    expect(await owners(asIdentity('b1'))).toEqual([SEED.b1]);
    // B2 is an editor member of A2's triplex dataspace (seed.d/25_sharing.sql): its thread is shared
    // with B2, nothing else of Alice's
    expect((await owners(asIdentity('b2'))).sort()).toEqual([SEED.a2, SEED.b2].sort());
    // naming another identity's rows outright still returns nothing
    const stolen = await db.userStatement(
      asIdentity('b1'),
      (sql) => sql`select id from public.threads where identity_id = ${SEED.a1}`,
    );
    expect(stolen).toEqual([]);
    // a forged identity claim (Bob's identity in Alice's token) sees nothing
    const forged = await db.userStatement(
      { ...asIdentity('a1'), identity_id: SEED.b1 },
      (sql) => sql`select id from public.threads`,
    );
    expect(forged).toEqual([]);
  });

  it('acts as the claimed role: anon has no grant on the tables', async () => {
    expect(await sqlState(db.userStatement(ANON, (sql) => sql`select id from public.threads`))).toBe('42501');
  });

  it('refuses a write and leaves nothing behind', async () => {
    const write = db.userStatement(
      asIdentity('a1'),
      (sql) => sql`insert into public.spheres (name) values ('Écriture refusée') returning id`,
    );
    expect(await sqlState(write)).toBe('25006');
    const rows = await db.withService(
      (tx) => tx`select id from public.spheres where name = 'Écriture refusée'`,
    );
    expect(rows).toEqual([]);
  });

  it('hands the connection back clean after a success and after a failure', async () => {
    await db.userStatement(asIdentity('a1'), (sql) => sql`select id from public.threads`);
    expect(await settingsOf(db.sql)).toEqual(CLEAN);
    expect(await sqlState(db.userStatement(asIdentity('a1'), (sql) => sql`select 1 / 0`))).toBe('22012');
    expect(await settingsOf(db.sql)).toEqual(CLEAN);
  });

  it('sends nothing when the statement cannot be built', async () => {
    const unbuildable = db.userStatement(asIdentity('a1'), () => {
      throw new RangeError('invalid cursor');
    });
    await expect(unbuildable).rejects.toThrow(RangeError);
    expect(await settingsOf(db.sql)).toEqual(CLEAN);
  });

  it('keeps every pooled connection clean under concurrent successes and failures', async () => {
    const calls = Array.from({ length: 30 }, (_, i) =>
      sqlState(
        pool.userStatement(asIdentity(i % 2 ? 'a1' : 'b1'), (sql) =>
          i % 3 === 0 ? sql`select 1 / 0` : sql`select id from public.threads`,
        ),
      ),
    );
    const states = await Promise.all(calls);
    expect(states.filter((s) => s === '22012')).toHaveLength(10);
    expect(states.filter((s) => s === 'ok')).toHaveLength(20);
    // hold all three connections at once, so each of them answers
    const held: Sql[] = await Promise.all([pool.sql.reserve(), pool.sql.reserve(), pool.sql.reserve()]);
    try {
      for (const conn of held) {
        expect(await settingsOf(conn)).toEqual(CLEAN);
      }
    } finally {
      for (const conn of held) (conn as Sql & { release(): void }).release();
    }
  });

  it('refuses an unknown role before touching the database', async () => {
    await expect(db.userStatement({ role: 'postgres' as never }, (sql) => sql`select 1`)).rejects.toThrow(
      /claims.role/,
    );
  });
});
