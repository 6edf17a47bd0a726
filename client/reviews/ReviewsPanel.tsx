import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { useSessionStore } from '../session/SessionContext.ts';
import { createReviewsStore } from './reviewsStore.ts';

/**
 * For reviewers of the deployment only (hidden for everyone else): the agent runs held for human
 * review, with what was asked, by whom, where and for how many tokens; approving runs it, rejecting
 * returns its tokens. A run is never shown to the person who asked for it.
 */
export function ReviewsPanel() {
  const { api } = useSessionStore();
  const reviews = useMemo(() => createReviewsStore(api), [api]);
  const s = useStore(reviews);
  const [note, setNote] = useState('');
  useEffect(() => void reviews.load(), [reviews]);
  if (s.pending === null) return null;
  return (
    <section className="panel reviews" aria-label="Reviews">
      <h2>Runs awaiting review</h2>
      {s.pending.length === 0 && <p>Nothing to review.</p>}
      <input aria-label="Review note" value={note} onChange={(e) => setNote(e.target.value)} />
      <ul>
        {s.pending.map((r) => (
          <li key={r.execution_id} data-execution={r.execution_id}>
            <p>
              <strong>{r.agent_name}</strong> for {r.requester_name} in {r.dataspace_name} ·{' '}
              {r.tokens_reserved} tokens held
            </p>
            <p className="intent">{r.intent_text}</p>
            <button
              type="button"
              disabled={s.busy}
              onClick={() => void reviews.decide(r.execution_id, 'approve', note || undefined)}
            >
              Approve
            </button>
            <button
              type="button"
              disabled={s.busy}
              onClick={() => void reviews.decide(r.execution_id, 'reject', note || undefined)}
            >
              Reject
            </button>
          </li>
        ))}
      </ul>
      {s.error && (
        <p className="error" role="alert">
          {s.error}
        </p>
      )}
    </section>
  );
}
