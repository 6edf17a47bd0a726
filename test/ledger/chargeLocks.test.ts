/**
 * A charge (private.ledger_charge) locks the budgets it reads before it decides: a second charge
 * on the same budgets waits at its read and then sees the first one's spending, instead of
 * deciding and writing from a stale row (a lost update under read committed). Two real committed
 * transactions on a database of this file's own: the first charges and stays open, the second
 * starts on a budget with room for exactly one of them and must be refused once the first commits,
 * and the budget's spending must count both attempts exactly once.
 */
import { describe, expect, it } from 'vitest';
import { deferred, waitsForLock } from '../helpers/db.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';
import { SEED, seedId } from '../helpers/personas.ts';

const sql = useIsolatedDatabase('charge_locks', 3).sql();
const A1_DATASPACE = seedId('a1', '0003');

describe('private.ledger_charge locks', () => {
  it('makes a concurrent charge on the same budget wait, then decide on the committed spending', async () => {
    const [budget] = await sql<{ id: string; room: number }[]>`
      insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount, period_end)
      values (${SEED.a1}, 'dataspace', ${A1_DATASPACE}, 'project', 1000, now() + interval '1 year')
      on conflict do nothing returning id, 0 as room`;
    const [target] = budget
      ? [budget]
      : await sql<{ id: string }[]>`select id from public.token_budgets
                                      where scope_type = 'dataspace' and scope_id = ${A1_DATASPACE} limit 1`;
    // room for exactly one charge of 60 on the dataspace budget
    await sql`update public.token_budgets set amount = spent + reserved + 100 where id = ${target!.id}`;
    const [before] = await sql<
      { spent: number }[]
    >`select spent::int from public.token_budgets where id = ${target!.id}`;
    const scopes = sql.json({ dataspace: A1_DATASPACE });

    const firstCharged = deferred<true>();
    const secondStarted = deferred<number>();
    const first = sql.begin(async (tx) => {
      await tx`select private.ledger_charge(${SEED.a1}, 1000000, 60, ${scopes}, null, 60, 0)`;
      firstCharged.resolve(true);
      await waitsForLock(sql, await secondStarted.promise);
    });
    const second = sql.begin(async (tx) => {
      await firstCharged.promise;
      secondStarted.resolve((await tx`select pg_backend_pid() as pid`)[0]!.pid as number);
      await tx`select private.ledger_charge(${SEED.a1}, 1000000, 60, ${scopes}, null, 60, 0)`;
    });
    const outcomes = await Promise.allSettled([first, second]);
    expect(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: string }).code : 'ok')),
    ).toEqual(['ok', 'LD002']);
    const [after] = await sql<
      { spent: number }[]
    >`select spent::int from public.token_budgets where id = ${target!.id}`;
    expect(after!.spent).toBe(before!.spent + 60);
  });
});
