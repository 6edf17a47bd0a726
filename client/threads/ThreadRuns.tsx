import { useTranslation } from 'react-i18next';
import type { ChenuApi } from '../api/chenuApi.ts';
import { useFormat } from '../i18n/format.ts';
import { useSession } from '../session/SessionContext.ts';
import { runnerText, runPhase, runTokensText, usePeopleNames, useThreadRuns } from './threadRuns.ts';

/**
 * The thread's governed runs in the thread panel, newest first (RUNS_SHOWN of them): agent, status,
 * tokens and who asked (by name when the dataspace's people list has it), read from the API and read again when a run begins, changes or ends.
 */
export function ThreadRuns({
  api,
  threadId,
}: {
  api: Pick<ChenuApi, 'threadRuns' | 'members'>;
  threadId: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const me = useSession((s) => s.activeIdentityId);
  const { runs, failed } = useThreadRuns(api, threadId);
  const names = usePeopleNames(api, runs?.[0]?.dataspace_id);
  return (
    <section className="stack" aria-label={t('runs.title')}>
      <h3 className="section-title">{t('runs.title')}</h3>
      {failed && <p className="notice">{t('runs.failed')}</p>}
      {runs === null ? (
        !failed && <p className="muted">{t('runs.loading')}</p>
      ) : runs.length === 0 ? (
        <p className="muted">{t('runs.none')}</p>
      ) : (
        <ol className="item-list" aria-label={t('runs.title')}>
          {runs.map((r) => {
            const phase = runPhase(r.status);
            return (
              <li key={r.id} data-execution={r.id} data-status={phase}>
                <strong>{r.agent_name ?? t('runs.unknownAgent')}</strong> · {t(`runs.phase.${phase}`)}
                <span className="muted">
                  {' '}
                  · {runTokensText(r, t, fmt)} · {runnerText(r, me, names, t)} · {fmt.relative(r.created_at)}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
