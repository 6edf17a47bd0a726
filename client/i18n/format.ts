import { useTranslation } from 'react-i18next';
import type { Locale } from './i18n.ts';

/** Intl formatters of one language: numbers, dates, times and relative times. */
export interface Formatters {
  readonly locale: Locale;
  number(value: number): string;
  /** A token amount: "1 250 jetons" / "1,250 tokens" is the dictionary's job; this is the figure. */
  tokens(value: number): string;
  date(value: string | number | Date): string;
  dateTime(value: string | number | Date): string;
  time(value: string | number | Date): string;
  /** "dans 3 jours", "il y a 2 heures", "in 5 minutes": the largest unit that fits, from `now`. */
  relative(value: string | number | Date, now?: number): string;
}

const cache = new Map<Locale, Formatters>();

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** The formatters of `locale` (built once per language). */
export function formattersFor(locale: Locale): Formatters {
  const hit = cache.get(locale);
  if (hit) return hit;
  const tag = locale === 'fr' ? 'fr-CA' : 'en-CA';
  const number = new Intl.NumberFormat(tag);
  const date = new Intl.DateTimeFormat(tag, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
  const time = new Intl.DateTimeFormat(tag, { timeStyle: 'short' });
  const relative = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' });
  const made: Formatters = {
    locale,
    number: (v) => number.format(v),
    tokens: (v) => number.format(v),
    date: (v) => date.format(new Date(v)),
    dateTime: (v) => dateTime.format(new Date(v)),
    time: (v) => time.format(new Date(v)),
    relative(v, now = Date.now()) {
      const diff = new Date(v).getTime() - now;
      for (const [unit, ms] of UNITS) {
        if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
      }
      return relative.format(Math.round(diff / 1000), 'second');
    },
  };
  cache.set(locale, made);
  return made;
}

/** The formatters of the language in force (re-renders when it changes). */
export function useFormat(): Formatters {
  const { i18n } = useTranslation();
  return formattersFor(i18n.resolvedLanguage === 'fr' ? 'fr' : 'en');
}
