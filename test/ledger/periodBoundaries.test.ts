import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useDatabase } from '../helpers/db.ts';
import { SEED } from '../helpers/personas.ts';
import type { Scenario } from '../helpers/rollback.ts';
import { inLedgerRollback } from './ledgerRollback.ts';
import { localPeriodStart } from './periods.ts';

const { sql } = useDatabase(2);

type Period = 'daily' | 'weekly' | 'monthly';
const PERIODS: readonly Period[] = ['daily', 'weekly', 'monthly'];
const SECOND = 1000;

/**
 * Budgets across calendar boundaries on a pinned clock (`Scenario.pinClock`), so each case stands
 * exactly where it needs to whatever the day the suite runs: one second before and one second after
 * a local midnight, and across both DST changes of America/Montreal. Expected period starts come from
 * `localPeriodStart` (Intl only), an implementation independent of the SQL under test.
 */
async function openBudget(s: Scenario, period: Period, tz: string, at: Date, spent: number) {
  const scope = randomUUID();
  await s.tx`insert into public.token_budgets (identity_id, scope_type, scope_id, period, amount, spent, period_start, time_zone)
             values (${SEED.a2}, 'sphere', ${scope}, ${period}, 1000, ${spent},
                     ${localPeriodStart(at, tz, period)}, ${tz})`;
  return scope;
}

/** Debits `amount` under the sphere budget `scope`: 'ok', or the SQLSTATE of the refusal. */
async function debit(s: Scenario, scope: string, amount: number): Promise<string> {
  const r = await s.attempt(
    (tx) => tx`select private.ledger_debit(${SEED.a2}, ${amount}, ${`d-${randomUUID()}`}, null, null,
                                           ${tx.json({ sphere: scope })})`,
  );
  return r.state;
}

async function stored(s: Scenario, scope: string) {
  const [b] = await s.tx`select spent::int, period_start from public.token_budgets where scope_id = ${scope}`;
  return b as { spent: number; period_start: Date };
}

/**
 * Stands one second before `boundary` with a budget 900 of 1 000 spent, spends the last 100 and is
 * refused one more, then one second after it: a period that starts at `boundary` starts over (the
 * stored start moves to it), one that does not keeps counting.
 */
async function across(s: Scenario, period: Period, tz: string, boundary: Date) {
  const before = new Date(boundary.getTime() - SECOND);
  const after = new Date(boundary.getTime() + SECOND);
  await s.pinClock(before);
  const scope = await openBudget(s, period, tz, before, 900);
  expect(await debit(s, scope, 100)).toBe('ok');
  expect(await debit(s, scope, 1)).toBe('LD002');
  await s.pinClock(after);
  const rolls =
    localPeriodStart(after, tz, period).getTime() !== localPeriodStart(before, tz, period).getTime();
  expect(await debit(s, scope, 100)).toBe(rolls ? 'ok' : 'LD002');
  const b = await stored(s, scope);
  expect(b.period_start).toEqual(localPeriodStart(after, tz, period));
  expect(b.spent).toBe(rolls ? 100 : 1000);
  return rolls;
}

describe('budget periods across boundaries (pinned clock)', () => {
  // UTC+14, a half-hour zone and a zone with daylight saving: the same instant is a different local day
  const ZONES = ['America/Montreal', 'Pacific/Kiritimati', 'Asia/Kolkata'] as const;
  // local midnights, written with the zone's offset on that date
  const MIDNIGHTS: Record<(typeof ZONES)[number], { monthStart: string; midWeek: string }> = {
    // Monday 1 February 2027 starts a day, a week and a month; Wednesday 3 February only a day
    'America/Montreal': { monthStart: '2027-02-01T00:00:00-05:00', midWeek: '2027-02-03T00:00:00-05:00' },
    'Pacific/Kiritimati': { monthStart: '2027-02-01T00:00:00+14:00', midWeek: '2027-02-03T00:00:00+14:00' },
    'Asia/Kolkata': { monthStart: '2027-02-01T00:00:00+05:30', midWeek: '2027-02-03T00:00:00+05:30' },
  };

  for (const tz of ZONES) {
    for (const period of PERIODS) {
      it(`starts a ${period} budget over at the local midnight that begins its period in ${tz}, and only then`, async () => {
        await inLedgerRollback(sql, async (s) => {
          expect(await across(s, period, tz, new Date(MIDNIGHTS[tz].monthStart))).toBe(true);
          expect(await across(s, period, tz, new Date(MIDNIGHTS[tz].midWeek))).toBe(period === 'daily');
        });
      });
    }
  }

  describe('across the DST changes of America/Montreal', () => {
    const tz = 'America/Montreal';
    for (const period of PERIODS) {
      it(`keeps a ${period} budget in its period through the spring-forward hour and starts the next one at local midnight`, async () => {
        await inLedgerRollback(sql, async (s) => {
          // Sunday 14 March 2027: 01:59:59 EST is followed by 03:00:00 EDT (the same day, week, month)
          await s.pinClock('2027-03-14T01:59:59-05:00');
          const scope = await openBudget(s, period, tz, new Date('2027-03-14T01:59:59-05:00'), 900);
          expect(await debit(s, scope, 100)).toBe('ok');
          await s.pinClock('2027-03-14T03:00:01-04:00');
          expect(await debit(s, scope, 1)).toBe('LD002');
          expect((await stored(s, scope)).spent).toBe(1000);
          // that Sunday is 23 hours long; Monday 15 March 00:00 EDT starts a day and a week
          expect(await across(s, period, tz, new Date('2027-03-15T00:00:00-04:00'))).toBe(
            period !== 'monthly',
          );
        });
      });

      it(`keeps a ${period} budget in its period through the repeated fall-back hour and starts the next one at local midnight`, async () => {
        await inLedgerRollback(sql, async (s) => {
          // Sunday 7 November 2027: 01:30 EDT, then 01:30 EST an hour later (the same local day)
          await s.pinClock('2027-11-07T01:30:00-04:00');
          const scope = await openBudget(s, period, tz, new Date('2027-11-07T01:30:00-04:00'), 900);
          expect(await debit(s, scope, 100)).toBe('ok');
          await s.pinClock('2027-11-07T01:30:00-05:00');
          expect(await debit(s, scope, 1)).toBe('LD002');
          // that Sunday is 25 hours long: its midnight starts a day and a week, in EST
          expect(await across(s, period, tz, new Date('2027-11-08T00:00:00-05:00'))).toBe(
            period !== 'monthly',
          );
        });
      });
    }

    it('starts a monthly budget over at the first local midnight of the month after a DST change', async () => {
      await inLedgerRollback(sql, async (s) => {
        // March 2027 holds the spring-forward; 1 April 00:00 EDT is 04:00 UTC, not 05:00
        expect(await across(s, 'monthly', tz, new Date('2027-04-01T00:00:00-04:00'))).toBe(true);
        // December starts in EST after November's fall-back
        expect(await across(s, 'monthly', tz, new Date('2027-12-01T00:00:00-05:00'))).toBe(true);
      });
    });
  });
});

describe('private.clock', () => {
  it('is now() unless pinned, and a pin is honoured only for a superuser login', async () => {
    await inLedgerRollback(sql, async (s) => {
      const [free] = await s.tx`select private.clock() = now() as same`;
      expect(free!.same).toBe(true);
      await s.pinClock('2027-01-31T23:59:30-05:00');
      const [pinned] = await s.tx`select private.clock() as at`;
      expect(pinned!.at).toEqual(new Date('2027-01-31T23:59:30-05:00'));
      // the role a request switches to does not matter: the login does
      await s.tx`set local role authenticated`;
      const [asUser] = await s.tx`select private.clock() as at`;
      expect(asUser!.at).toEqual(new Date('2027-01-31T23:59:30-05:00'));
      await s.tx`reset role`;
      // a login that is no superuser (every login of a hosted project) never sees the pin
      await s.tx`set local session authorization service_role`;
      const [other] = await s.tx`select private.clock() = now() as same`;
      expect(other!.same).toBe(true);
    });
  });
});
