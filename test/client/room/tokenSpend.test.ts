import { describe, expect, it, vi } from 'vitest';
import type { Thread, TokenTransaction } from '../../../client/api/chenuApi.ts';
import {
  DAY_TICK_INCREMENTS,
  dayLabel,
  dayRange,
  spendByDay,
  spendByThread,
} from '../../../client/room/tokenSpend.ts';

const tx = (type: string, amount: number, createdAt: string) =>
  ({ kind: 'commit', type, amount, createdAt }) as TokenTransaction;

describe('tokenSpend', () => {
  it('sums debits per UTC day, oldest first, ignoring credits, reserves and releases', () => {
    expect(
      spendByDay([
        tx('debit', -30, '2026-11-27T10:00:00Z'),
        tx('release', -500, '2026-11-27T10:00:00Z'),
        tx('reserve', 530, '2026-11-27T09:59:00Z'),
        tx('debit', -12, '2026-11-25T23:59:59Z'),
        tx('debit', -8, '2026-11-27T00:00:01Z'),
        tx('credit', 1000, '2026-11-20T00:00:00Z'),
      ]),
    ).toEqual({ days: ['2026-11-25', '2026-11-27'], spent: [12, 38] });
    expect(spendByDay([])).toEqual({ days: [], spent: [] });
  });

  it('orders threads by consumption, largest first', () => {
    const threads = [
      { title: 'A', tokens_consumed: 5 },
      { title: 'B', tokens_consumed: 50 },
    ] as Thread[];
    expect(spendByThread(threads)).toEqual({ titles: ['B', 'A'], spent: [50, 5] });
  });

  it('gives one day of data a one-day axis labelled by day, never by hour', () => {
    const day = Date.parse('2026-11-27') / 1000;
    expect(dayRange(day, day)).toEqual([day - 43_200, day + 43_200]);
    expect(dayRange(day - 86_400, day)).toEqual([day - 129_600, day + 43_200]);
    // with no data the axis is today's UTC day, on the clock pinned here (the last second of a month)
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2027-01-31T23:59:59Z'));
      const jan31 = Date.parse('2027-01-31T00:00:00Z') / 1000;
      expect(dayRange(Number.NaN, Number.NaN)).toEqual([jan31 - 43_200, jan31 + 43_200]);
      vi.setSystemTime(new Date('2027-02-01T00:00:00Z'));
      expect(dayRange(Number.NaN, Number.NaN)).toEqual([jan31 + 43_200, jan31 + 129_600]);
    } finally {
      vi.useRealTimers();
    }
    expect(Math.min(...DAY_TICK_INCREMENTS)).toBe(86_400);
    expect(dayLabel(day)).toBe('Nov 27');
    expect(dayLabel(day, 'fr')).toBe('27 nov.');
    expect(dayLabel(Date.parse('2027-01-01T23:30:00Z') / 1000)).toBe('Jan 1');
  });
});
