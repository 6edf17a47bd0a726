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

const DAY_S = 86_400;

/**
 * The day chart's x range (unix seconds): half a day beyond the first and last day, so one day of
 * data is a bar in the middle of a one-day-wide axis instead of a point stretched over minutes.
 */
export function dayRange(min: number, max: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    const today = Math.floor(Date.now() / 1000 / DAY_S) * DAY_S;
    return [today - DAY_S / 2, today + DAY_S / 2];
  }
  return [min - DAY_S / 2, max + DAY_S / 2];
}

/** Tick spacings the day axis may use: whole days and weeks, never hours. */
export const DAY_TICK_INCREMENTS = [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S, 28 * DAY_S];

/** A day tick's label in `locale`, in UTC like the days themselves: "Nov 27" (en), "27 nov." (fr). */
export function dayLabel(seconds: number, locale: 'fr' | 'en' = 'en'): string {
  return new Date(seconds * 1000).toLocaleDateString(locale === 'fr' ? 'fr-CA' : 'en-CA', {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}
