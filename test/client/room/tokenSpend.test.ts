import { describe, expect, it } from 'vitest';
import type { Thread, TokenTransaction } from '../../../client/api/chenuApi.ts';
import { spendByDay, spendByThread } from '../../../client/room/tokenSpend.ts';

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
});
