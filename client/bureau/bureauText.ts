import type { TFunction } from 'i18next';
import type { Formatters } from '../i18n/format.ts';
import type { BureauDetail, BureauItem, DashboardLine, SectionView } from './bureauContent.ts';

/** One detail in the language in force. */
export function detailText(d: BureauDetail, t: TFunction, fmt: Formatters): string {
  switch (d.kind) {
    case 'text':
      return d.text;
    case 'tokens':
      return tokenUseText(d, t, fmt);
    case 'taskStatus':
      return t(`taskStatus.${d.status}`);
    case 'projectStatus':
      return t(`projectStatus.${d.status}`);
    case 'due':
      // a date without a time: read at noon UTC so no time zone moves it to another day
      return t(d.overdue ? 'bureau.overdue' : 'bureau.due', { date: fmt.date(`${d.date}T12:00:00Z`) });
    case 'at':
      return fmt.dateTime(d.iso);
    case 'live':
      return t('bureau.liveNow');
    case 'dataspaceKind':
      return t('bureau.dataspaceOfKind', { kind: t(`dataspaceKinds.${d.value}`) });
  }
}

/** A thread's token use: consumed, over its cap when it has one, and what running agents hold. */
export function tokenUseText(
  d: { used: number; budget: number | null; held: number },
  t: TFunction,
  fmt: Formatters,
): string {
  const used =
    d.budget === null
      ? t('tokens.used', { count: d.used, value: fmt.tokens(d.used) })
      : t('tokens.usedOfBudget', {
          count: d.budget,
          value: fmt.tokens(d.used),
          budget: fmt.tokens(d.budget),
        });
  return d.held > 0 ? t('tokens.withHeld', { use: used, held: fmt.tokens(d.held) }) : used;
}

/** An item's details joined as one line. */
export function itemDetail(item: BureauItem, t: TFunction, fmt: Formatters): string {
  return item.details
    .map((d) => detailText(d, t, fmt))
    .filter(Boolean)
    .join(' · ');
}

/** "3 of 12", "12", "None", "100+". */
export function countText(view: SectionView, t: TFunction, fmt: Formatters): string {
  const c = view.count;
  if (!c) return '';
  const total = `${fmt.number(c.total)}${c.more ? '+' : ''}`;
  if (c.total === 0) return t('bureau.none');
  return c.shown < c.total || c.more ? t('bureau.shownOf', { shown: fmt.number(c.shown), total }) : total;
}

/** A dashboard line: its label and its value. */
export function dashboardText(
  line: DashboardLine,
  t: TFunction,
  fmt: Formatters,
): { label: string; value: string } {
  const label = line.id === 'balance' ? t('bureau.tokens') : t(`bureau.sections.${line.id}`);
  if (line.state === 'loading') return { label, value: '…' };
  if (line.state === 'refused') return { label, value: t('bureau.refused') };
  if (line.balance !== undefined) return { label, value: fmt.tokens(line.balance) };
  const total = `${fmt.number(line.total ?? 0)}${line.more ? '+' : ''}`;
  return {
    label,
    value:
      line.open !== null && line.open !== undefined
        ? t('bureau.withOpen', { total, open: fmt.number(line.open) })
        : total,
  };
}
