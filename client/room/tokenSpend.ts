import type { Thread, TokenTransaction } from '../api/chenuApi.ts';

/**
 * Tokens spent per UTC day, oldest first: the identity's `debit` postings (a run's settled part, a
 * direct debit). Reserve/release postings only move tokens in and out of `reserved`.
 */
export function spendByDay(transactions: readonly TokenTransaction[]): { days: string[]; spent: number[] } {
  const byDay = new Map<string, number>();
  for (const t of transactions) {
    if (t.type !== 'debit' || t.amount >= 0) continue;
    const day = t.createdAt.slice(0, 10);
    byDay.set(day, (byDay.get(day) ?? 0) - t.amount);
  }
  const days = [...byDay.keys()].sort();
  return { days, spent: days.map((d) => byDay.get(d)!) };
}

/** Tokens consumed per thread (threads.tokens_consumed, kept by the ledger), largest first. */
export function spendByThread(threads: readonly Thread[]): { titles: string[]; spent: number[] } {
  const rows = threads
    .map((t) => ({ title: t.title, spent: t.tokens_consumed }))
    .sort((a, b) => b.spent - a.spent);
  return { titles: rows.map((r) => r.title), spent: rows.map((r) => r.spent) };
}
