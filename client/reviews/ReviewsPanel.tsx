import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useFormat } from '../i18n/format.ts';
import { useSessionStore } from '../session/SessionContext.ts';
import { Button } from '../ui/Button.tsx';
import { ErrorNotice } from '../ui/ErrorNotice.tsx';
import { TextField } from '../ui/TextField.tsx';
import { createReviewsStore } from './reviewsStore.ts';

/**
 * For reviewers of the deployment only (hidden for everyone else): the agent runs held for human
 * review, with what was asked, by whom, where and for how many tokens; approving runs it, rejecting
 * returns its tokens. A run is never shown to the person who asked for it.
 */
export function ReviewsPanel() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { api } = useSessionStore();
  const [reviews] = useState(() => createReviewsStore(api));
  const s = useStore(reviews);
  const [note, setNote] = useState('');
  useEffect(() => void reviews.load(), [reviews]);
  if (s.pending === null) return null;
  return (
    <section className="card stack" aria-labelledby="reviews-title">
      <h2 id="reviews-title" className="section-title">
        {t('reviews.title')}
      </h2>
      {s.pending.length === 0 && <p className="muted">{t('reviews.none')}</p>}
      {s.pending.length > 0 && <TextField label={t('reviews.note')} value={note} onChange={setNote} />}
      <ul className="stack">
        {s.pending.map((r) => (
          <li key={r.execution_id} data-execution={r.execution_id} className="stack">
            <p>
              {t('reviews.who', {
                agent: r.agent_name,
                requester: r.requester_name,
                dataspace: r.dataspace_name,
                tokens: fmt.tokens(r.tokens_reserved),
              })}
            </p>
            <blockquote className="intent">{r.intent_text}</blockquote>
            <div className="dialog-actions">
              <Button
                variant="quiet"
                isDisabled={s.busy}
                onPress={() => void reviews.decide(r.execution_id, 'reject', note || undefined)}
              >
                {t('reviews.reject')}
              </Button>
              <Button
                variant="primary"
                isDisabled={s.busy}
                onPress={() => void reviews.decide(r.execution_id, 'approve', note || undefined)}
              >
                {t('reviews.approve')}
              </Button>
            </div>
          </li>
        ))}
      </ul>
      <ErrorNotice error={s.error} />
    </section>
  );
}
