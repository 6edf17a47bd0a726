import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { NovaContext, Thread } from '../api/chenuApi.ts';
import { useFormat, type Formatters } from '../i18n/format.ts';
import { useDataspace } from '../room/DataspaceContext.ts';
import { EmptyState } from '../ui/EmptyState.tsx';

type Suggestion = NovaContext['suggestions'][number];

/**
 * A suggestion in the language in force, from its kind and data (the server's `title` is English):
 * the subject's name from the room's threads, else the quoted name in the server's title.
 */
export function suggestionText(
  s: Suggestion,
  t: TFunction,
  fmt: Formatters,
  threads: readonly Thread[],
): string {
  const quoted = /"([^"]*)"/.exec(s.title)?.[1] ?? '';
  const d = s.data;
  switch (s.kind) {
    case 'budget_low': {
      const used = Number(d.used);
      const amount = Number(d.amount);
      return t('nova.budgetLow', {
        scope: t(`scopes.${String(d.scope_type)}`),
        percent: fmt.number(Math.floor((100 * used) / Math.max(amount, 1))),
      });
    }
    case 'unowned_tasks':
      return t('nova.unownedTasks', {
        count: Array.isArray(d.task_ids) ? d.task_ids.length : 1,
        meeting: quoted,
      });
    case 'stale_thread': {
      const title = threads.find((x) => x.id === s.entity_id)?.title ?? quoted;
      return t('nova.staleThread', { title, since: fmt.relative(String(d.last_activity_at)) });
    }
    default:
      return s.title;
  }
}

/** Nova's suggestions for this dataspace, and notifications as they arrive (presence room). */
export function NovaPanel() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const nova = useDataspace((s) => s.nova);
  const notifications = useDataspace((s) => s.notifications);
  const threads = useDataspace((s) => s.threads);
  return (
    <section className="stack" aria-label={t('nova.title')}>
      <h3 className="section-title">{t('nova.title')}</h3>
      <p className="muted">{t('nova.what')}</p>
      {nova && nova.suggestions.length === 0 && <EmptyState title={t('nova.none')} />}
      <ul className="item-list">
        {(nova?.suggestions ?? []).map((s) => (
          <li key={s.id} data-severity={s.severity}>
            {suggestionText(s, t, fmt, threads)}
          </li>
        ))}
      </ul>
      <h3 className="section-title">{t('nova.notifications')}</h3>
      {notifications.length === 0 ? (
        <p className="muted">{t('nova.noNotifications')}</p>
      ) : (
        <ul className="item-list" aria-label={t('nova.notifications')}>
          {notifications.slice(0, 5).map((n) => (
            <li key={n.id}>
              {n.title} <span className="muted">{fmt.relative(n.at)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
