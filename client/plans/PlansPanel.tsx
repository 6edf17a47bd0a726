import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { useSessionStore } from '../session/SessionContext.ts';
import { createPlansStore } from './plansStore.ts';

const day = (iso: string) => new Date(iso).toLocaleDateString();

/**
 * The plans and the person's subscription: subscribe, move to another plan or cancel. Changes take
 * effect at the end of the current period (the first subscription at once); nothing is charged here
 * (no payment processor: prices are shown for information).
 */
export function PlansPanel() {
  const { api } = useSessionStore();
  const plans = useMemo(() => createPlansStore(api), [api]);
  const s = useStore(plans);
  useEffect(() => void plans.load(), [plans]);
  const current = s.current;
  const name = (id: string | null | undefined) => s.plans.find((p) => p.id === id)?.name ?? '';
  return (
    <section className="panel plans" aria-label="Plans">
      <h2>Plans</h2>
      {current ? (
        <p data-testid="plan-current">
          {name(current.plan_id)} · {day(current.current_period_start)} → {day(current.current_period_end)}
          {current.pending_plan_id && ` · then ${name(current.pending_plan_id)}`}
          {current.cancel_at_period_end && ' · ends then'}
        </p>
      ) : (
        <p>No plan yet.</p>
      )}
      <ul>
        {s.plans.map((p) => (
          <li key={p.id}>
            <strong>{p.name}</strong> — {p.monthly_tokens.toLocaleString()} tokens / month ·{' '}
            {(p.price_cents_monthly / 100).toFixed(2)} {p.currency}
            <button
              type="button"
              disabled={s.busy || p.id === (current?.pending_plan_id ?? current?.plan_id)}
              onClick={() => void plans.choose(p.id)}
            >
              {current ? 'Switch at period end' : 'Subscribe'}
            </button>
          </li>
        ))}
      </ul>
      {current && !current.cancel_at_period_end && (
        <button type="button" disabled={s.busy} onClick={() => void plans.cancel()}>
          Cancel at period end
        </button>
      )}
      {s.error && (
        <p className="error" role="alert">
          {s.error}
        </p>
      )}
    </section>
  );
}
