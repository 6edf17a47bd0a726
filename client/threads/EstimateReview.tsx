import { Button as AriaButton, Disclosure, DisclosurePanel, Heading, Meter } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { AgentEstimate } from '../api/chenuApi.ts';
import { useFormat } from '../i18n/format.ts';
import { Button } from '../ui/Button.tsx';
import { useErrorText } from '../ui/ErrorNotice.tsx';

/** The task a request was read as, in words ("summarize_thread" → "Summarize the thread"). */
export function useTaskName(): (taskType: string | null) => string {
  const { t, i18n } = useTranslation();
  return (taskType) =>
    taskType && i18n.exists(`tasks.${taskType}`) ? t(`tasks.${taskType}`) : (taskType ?? t('tasks.unknown'));
}

/**
 * What a governed run would do, before the person confirms it (`POST /agents/{id}/estimate`), in
 * plain words: the task it understood, the quality score (how clearly the request says what to do,
 * on what and in what form) against the minimum, the most it can cost and why, the balance and
 * budgets it would draw on, and the verdict. A request the encoder could not read gets suggested
 * phrasings (pressing one uses it) and the reminder that nothing was charged.
 */
export function EstimateReview({
  estimate,
  onUsePhrasing,
}: {
  estimate: AgentEstimate | null;
  onUsePhrasing: (text: string) => void;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const taskName = useTaskName();
  const errorText = useErrorText();
  if (!estimate) {
    return (
      <p className="muted" aria-busy="true">
        {t('governed.estimating')}
      </p>
    );
  }
  const { encoded, refusal } = estimate;
  const suggestions = (encoded as { suggestions?: string[] }).suggestions ?? [];
  return (
    <div className="stack">
      <dl className="kv" aria-label={t('governed.estimate')}>
        <div>
          <dt>{t('governed.task')}</dt>
          <dd data-testid="estimate-task">
            {estimate.taskType ? taskName(estimate.taskType) : t('governed.taskUnclear')}
          </dd>
        </div>
        <div>
          <dt>{t('governed.quality')}</dt>
          <dd data-testid="estimate-eqs">
            <Meter
              value={encoded.eqs}
              minValue={0}
              maxValue={100}
              aria-label={t('governed.quality')}
              className="meter"
            >
              <span>
                {t('governed.qualityValue', {
                  value: fmt.number(encoded.eqs),
                  min: fmt.number(encoded.minEqs),
                })}
              </span>
              <span className="meter-track" aria-hidden="true">
                <span
                  className="meter-fill"
                  data-ok={encoded.eqs >= encoded.minEqs}
                  style={{ width: `${encoded.eqs}%` }}
                />
              </span>
            </Meter>
            <small className="muted">{t('governed.qualityHelp', { min: fmt.number(encoded.minEqs) })}</small>
          </dd>
        </div>
        <div>
          <dt>{t('governed.cost')}</dt>
          <dd data-testid="estimate-tokens" data-tokens={estimate.estimate?.tokens ?? ''}>
            {estimate.estimate ? (
              <>
                {t('governed.costValue', {
                  count: estimate.estimate.tokens,
                  tokens: fmt.tokens(estimate.estimate.tokens),
                })}
                <small className="muted">
                  {t('governed.costHelp', {
                    model: fmt.number(estimate.estimate.modelTokens),
                    rate: fmt.number(estimate.estimate.ratePer1k),
                  })}
                </small>
              </>
            ) : (
              t('governed.costNone')
            )}
          </dd>
        </div>
        <div>
          <dt>{t('governed.balance')}</dt>
          <dd>
            {t('tokens.amount', {
              count: estimate.balance.available,
              value: fmt.tokens(estimate.balance.available),
            })}
          </dd>
        </div>
        {estimate.budgets.map((b) => (
          <div key={b.id}>
            <dt>
              {t('governed.budget', { scope: t(`scopes.${b.scopeType}`), period: t(`periods.${b.period}`) })}
            </dt>
            <dd>
              {b.remaining === null
                ? t('governed.budgetUnlimited')
                : t('governed.budgetLeft', { left: fmt.tokens(b.remaining), amount: fmt.tokens(b.amount) })}
            </dd>
          </div>
        ))}
        <div>
          <dt>{t('governed.verdict')}</dt>
          <dd
            data-testid="estimate-verdict"
            data-accepted={estimate.accepted}
            className={refusal ? 'text-danger' : 'text-success'}
          >
            {refusal
              ? errorText({ code: refusal.code, message: refusal.message, details: { scope: refusal.scope } })
              : t('governed.accepted')}
          </dd>
        </div>
      </dl>
      {refusal?.code === 'encoding_rejected' && (
        <div className="notice" data-testid="phrasing-help">
          <p>{t('governed.rephrase')}</p>
          {suggestions.length > 0 && (
            <ul className="suggestions" aria-label={t('governed.suggestions')}>
              {suggestions.map((s) => (
                <li key={s}>
                  <Button size="sm" variant="secondary" onPress={() => onUsePhrasing(s)}>
                    {s}
                  </Button>
                </li>
              ))}
            </ul>
          )}
          <p className="muted">{t('governed.nothingCharged')}</p>
        </div>
      )}
      <Disclosure className="disclosure">
        <Heading level={4} className="disclosure-heading">
          <AriaButton slot="trigger" className="disclosure-trigger">
            {t('governed.encodedShow')}
          </AriaButton>
        </Heading>
        <DisclosurePanel>
          <p className="muted">{t('governed.encodedHelp')}</p>
          <code data-testid="estimate-encoded" className="code-block">
            {encoded.text}
          </code>
          <p className="muted">
            {encoded.tokensSaved > 0
              ? t('governed.saved', { count: encoded.tokensSaved, value: fmt.number(encoded.tokensSaved) })
              : t('governed.notShorter')}
          </p>
        </DisclosurePanel>
      </Disclosure>
    </div>
  );
}
