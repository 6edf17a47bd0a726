import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useFormat } from '../i18n/format.ts';
import { useSessionStore } from '../session/SessionContext.ts';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { createPlansStore } from './plansStore.ts';

/**
 * The plans and the person's subscription: subscribe, move to another plan or cancel. Changes take
 * effect at the end of the current period (the first subscription at once); nothing is charged here
 * (no payment processor: prices are shown for information).
 */
export function PlansPanel() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { api } = useSessionStore();
  const [plans] = useState(() => createPlansStore(api));
  const s = useStore(plans);
  useEffect(() => void plans.load(), [plans]);
  const current = s.current;
  const name = (id: string | null | undefined) => s.plans.find((p) => p.id === id)?.name ?? '';
  const price = (cents: number, currency: string) =>
    new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(cents / 100);
  return (
    <section className="stack" aria-label={t('plans.title')}>
      {current ? (
        <p data-testid="plan-current">
          {t('plans.current', {
            plan: name(current.plan_id),
            from: fmt.date(current.current_period_start),
            to: fmt.date(current.current_period_end),
          })}
          {current.pending_plan_id && ` · ${t('plans.then', { plan: name(current.pending_plan_id) })}`}
          {current.cancel_at_period_end && ` · ${t('plans.ends')}`}
        </p>
      ) : (
        <p className="muted">{t('plans.none')}</p>
      )}
      <p className="muted">{t('plans.noCharge')}</p>
      <ul className="stack">
        {s.plans.map((p) => (
          <li key={p.id} className="card row">
            <span className="grow">
              <strong>{p.name}</strong>{' '}
              <span className="muted">
                {t('plans.perMonth', {
                  tokens: fmt.tokens(p.monthly_tokens),
                  price: price(p.price_cents_monthly, p.currency),
                })}
              </span>
            </span>
            <Button
              variant={current ? 'secondary' : 'primary'}
              isDisabled={s.busy || p.id === (current?.pending_plan_id ?? current?.plan_id)}
              onPress={() => void plans.choose(p.id)}
            >
              {current ? t('plans.switch') : t('plans.subscribe')}
            </Button>
          </li>
        ))}
      </ul>
      {current && !current.cancel_at_period_end && (
        <Button variant="danger" isDisabled={s.busy} onPress={() => void plans.cancel()}>
          {t('plans.cancel')}
        </Button>
      )}
      <ErrorNotice error={s.error} />
    </section>
  );
}
