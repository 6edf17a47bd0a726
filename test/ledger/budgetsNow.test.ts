import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { refreshNovaContext } from '../../supabase/functions/_shared/nova/novaApi.ts';
import { listTokenBudgets } from '../../supabase/functions/_shared/ledger/tokensApi.ts';
import { useDatabase } from '../helpers/db.ts';
import { asIdentity, SEED, seedId } from '../helpers/personas.ts';
import { inLedgerRollback } from './ledgerRollback.ts';
import { localPeriodStart } from './periods.ts';

const { sql } = useDatabase(2);

const TZ = 'America/Montreal';
const A1_SPHERE = seedId('a1', '0001');
const A1_DATASPACE = seedId('a1', '0003');

/** A daily budget of a1's identity scope: 990 of 1,000 spent in the period starting at `periodStart`. */
async function dailyIdentityBudget(tx: TransactionSql, periodStart: Date): Promise<string> {
  const [b] =
    await tx`insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount, spent, period_start, time_zone)
                       values (${SEED.a1}, 'identity', ${SEED.a1}, 'daily', 1000, 990, ${periodStart}, ${TZ}) returning id`;
  return b!.id as string;
}

async function today(tx: TransactionSql): Promise<Date> {
  const [{ now }] = (await tx`select now() as now`) as unknown as [{ now: Date }];
  return localPeriodStart(now, TZ, 'daily');
}

async function budgetNow(tx: TransactionSql, id: string) {
  const [b] = await tx`select spent::int, spent_now::int, remaining::int, current_start, ended
                       from public.token_budgets_now where id = ${id}`;
  return b;
}

describe('budgets as of now (token_budgets_now)', () => {
  it('shows a daily budget whose period rolled over as started afresh, as the ledger charges it', async () => {
    await inLedgerRollback(sql, async (s) => {
      const start = await today(s.tx);
      const id = await dailyIdentityBudget(s.tx, new Date(start.getTime() - 86_400_000));
      // the row still holds yesterday's spending; the view shows today's period
      expect(await budgetNow(s.tx, id)).toEqual({
        spent: 990,
        spent_now: 0,
        remaining: 1000,
        current_start: start,
        ended: false,
      });

      // the ledger agrees: the whole amount can be spent today, and not one token more
      await s.tx`select private.ledger_debit(${SEED.a1}, 1000, 'now-1', null, null, '{}'::jsonb)`;
      expect(await budgetNow(s.tx, id)).toEqual({
        spent: 1000,
        spent_now: 1000,
        remaining: 0,
        current_start: start,
        ended: false,
      });
      const refused = await s.attempt(
        (tx) => tx`select private.ledger_debit(${SEED.a1}, 1, 'now-2', null, null, '{}'::jsonb)`,
      );
      expect(refused.state).toBe('LD002');
    });
  });

  it('serves the budgets API and Nova with the period in force', async () => {
    await inLedgerRollback(sql, async (s) => {
      const start = await today(s.tx);
      const stale = await dailyIdentityBudget(s.tx, new Date(start.getTime() - 86_400_000));
      await s.as(asIdentity('a1'));
      const listed = (await listTokenBudgets(s.tx)).find((b) => b.id === stale);
      expect(listed).toMatchObject({ spent: 0, remaining: 1000, periodStart: start });
      const quiet = await refreshNovaContext(s.tx, { sessionId: 'budgets-now' });
      expect(quiet.suggestions.filter((x) => x.entity_id === stale)).toEqual([]);

      // the same spending inside today's period is low, in both
      await s.asOwner();
      await s.tx`update public.token_budgets set period_start = ${start} where id = ${stale}`;
      await s.as(asIdentity('a1'));
      expect((await listTokenBudgets(s.tx)).find((b) => b.id === stale)).toMatchObject({
        spent: 990,
        remaining: 10,
      });
      const low = await refreshNovaContext(s.tx, { sessionId: 'budgets-now' });
      expect(low.suggestions.filter((x) => x.entity_id === stale).map((x) => [x.kind, x.severity])).toEqual([
        ['budget_low', 'high'],
      ]);
    });
  });

  it('names the narrowest scope when several budgets refuse, whatever their ids', async () => {
    await inLedgerRollback(sql, async (s) => {
      const [thread] = await s.tx`insert into public.threads (identity_id, dataspace_id, title)
                                  values (${SEED.a1}, ${A1_DATASPACE}, 'Deux refus') returning id`;
      // the sphere budget comes first in id (lock) order, the thread's last; both refuse 100
      await s.tx`insert into public.token_budgets (id, identity_id, scope_type, scope_id, period, amount, period_end)
                 values ('00000000-0000-4000-8000-000000000001', ${SEED.a1}, 'sphere', ${A1_SPHERE}, 'project', 50, now() + interval '1 day'),
                        ('ffffffff-ffff-4fff-bfff-fffffffffff1', ${SEED.a1}, 'thread', ${thread!.id}, 'project', 50, now() + interval '1 day')`;
      const scopes = { sphere: A1_SPHERE, thread: thread!.id as string };
      for (const call of [
        (tx: TransactionSql) =>
          tx`select 1 from private.ledger_debit(${SEED.a1}, 100, 'two-1', null, null, ${tx.json(scopes)})`,
        (tx: TransactionSql) =>
          tx`select 1 from private.ledger_reserve(${SEED.a1}, 100, 'two-2', null, null, interval '1 minute', ${tx.json(scopes)})`,
      ]) {
        const refused = await s.tx.savepoint(call).then(
          () => null,
          (e: { message?: string }) => e.message,
        );
        expect(refused).toMatch(new RegExp(`^budget exceeded: thread ${thread!.id} \\(`));
      }
    });
  });

  it('applies token_budgets RLS to the view: another identity sees none of them', async () => {
    await inLedgerRollback(sql, async (s) => {
      const id = await dailyIdentityBudget(s.tx, await today(s.tx));
      await s.as(asIdentity('b1'));
      expect(await s.tx`select id from public.token_budgets_now where id = ${id}`).toHaveLength(0);
      await s.as(asIdentity('a1'));
      expect(await s.tx`select id from public.token_budgets_now where id = ${id}`).toHaveLength(1);
    });
  });
});
