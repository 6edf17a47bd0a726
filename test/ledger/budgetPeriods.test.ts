import { randomUUID } from 'node:crypto';
import type { TransactionSql } from 'postgres';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';
import { inLedgerRollback } from './ledgerRollback.ts';
import { localPeriodStart } from './periods.ts';

const { sql } = useDatabase(2);

// UTC+14, UTC-11 and a zone with daylight saving: the same instant falls on different days
const ZONES = ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Montreal'] as const;
const PERIODS = ['daily', 'weekly', 'monthly'] as const;

async function sphereBudget(
  tx: TransactionSql,
  period: string,
  tz: string,
  periodStart: Date,
  spent: number,
) {
  const scope = randomUUID();
  await tx`insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount, spent, period_start, time_zone)
           values (${SEED.a2}, 'sphere', ${scope}, ${period}, 1000, ${spent}, ${periodStart}, ${tz})`;
  return scope;
}

async function budget(tx: TransactionSql, scope: string) {
  const [b] =
    await tx`select spent::int, reserved::int, period_start from public.token_budgets where scope_id = ${scope}`;
  return b as { spent: number; reserved: number; period_start: Date };
}

describe('budget periods', () => {
  for (const period of PERIODS) {
    for (const tz of ZONES) {
      it(`starts a ${period} budget over at the calendar boundary in ${tz}`, async () => {
        await inLedgerRollback(sql, async (s) => {
          const [{ now }] = (await s.tx`select now() as now`) as unknown as [{ now: Date }];
          const start = localPeriodStart(now, tz, period);
          const stale = await sphereBudget(s.tx, period, tz, new Date(start.getTime() - 1000), 900);
          const current = await sphereBudget(s.tx, period, tz, start, 900);

          // a debit under the stale budget opens the new period: spending starts over
          await s.tx`select private.ledger_debit(${SEED.a2}, 50, ${`p-${stale}`}, null, null,
                                                 ${s.tx.json({ sphere: stale })})`;
          expect(await budget(s.tx, stale)).toEqual({ spent: 50, reserved: 0, period_start: start });
          // the same spending in the current period counts against what was already spent
          const refused = await s.attempt(
            (tx) => tx`select private.ledger_debit(${SEED.a2}, 150, ${`p-${current}`}, null, null,
                                                   ${tx.json({ sphere: current })})`,
          );
          expect(refused.state).toBe('LD002');
          await s.tx`select private.ledger_reserve(${SEED.a2}, 100, ${`r-${current}`}, null, null,
                                                   interval '1 minute', ${s.tx.json({ sphere: current })})`;
          expect(await budget(s.tx, current)).toEqual({ spent: 900, reserved: 100, period_start: start });
          // a reservation opens the new period the same way
          const staleHold = await sphereBudget(s.tx, period, tz, new Date(start.getTime() - 1000), 900);
          await s.tx`select private.ledger_reserve(${SEED.a2}, 100, ${`r-${staleHold}`}, null, null,
                                                   interval '1 minute', ${s.tx.json({ sphere: staleHold })})`;
          expect(await budget(s.tx, staleHold)).toEqual({ spent: 0, reserved: 100, period_start: start });
        });
      });
    }
  }

  it('refuses a project budget once it ended and allows it before', async () => {
    await inLedgerRollback(sql, async (s) => {
      const [ended, open] = [randomUUID(), randomUUID()];
      await s.tx`insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount, period_start, period_end)
                 values (${SEED.a2}, 'sphere', ${ended}, 'project', 1000, now() - interval '2 days', now() - interval '1 second'),
                        (${SEED.a2}, 'sphere', ${open}, 'project', 1000, now() - interval '2 days', now() + interval '1 day')`;
      for (const fn of ['debit', 'reserve'] as const) {
        const call = (tx: TransactionSql, scope: string) =>
          fn === 'debit'
            ? tx`select private.ledger_debit(${SEED.a2}, 10, ${`${fn}-${scope}`}, null, null, ${tx.json({ sphere: scope })})`
            : tx`select private.ledger_reserve(${SEED.a2}, 10, ${`${fn}-${scope}`}, null, null, interval '1 minute',
                                               ${tx.json({ sphere: scope })})`;
        const refused = await s.tx
          .savepoint((sp) => call(sp, ended))
          .then(
            () => 'ok',
            (error: unknown) => (error as Error).message,
          );
        expect(refused).toMatch(
          new RegExp(`^budget ended: sphere ${ended} \\(project budget [0-9a-f-]{36} ended at `),
        );
        expect((await s.attempt((tx) => call(tx, open))).state).toBe('ok');
      }
    });
  });
});
