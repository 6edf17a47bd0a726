import type { AgentEstimate } from '../api/chenuApi.ts';

/**
 * What a governed run would do, before the user confirms it (`POST /agents/{id}/estimate`): the
 * encoded intent, its EQS against the profile's minimum, the token cost and the ledger's verdict —
 * the refusing scope and reason when the balance or a budget would refuse it.
 */
export function EstimateReview({ estimate }: { estimate: AgentEstimate | null }) {
  if (!estimate) {
    return (
      <p className="estimate" aria-busy="true">
        Estimating…
      </p>
    );
  }
  const { encoded, refusal } = estimate;
  return (
    <dl className="estimate" aria-label="Estimate">
      <dt>Task</dt>
      <dd data-testid="estimate-task">{estimate.taskType ?? '—'}</dd>
      <dt>Encoded intent</dt>
      <dd>
        <code data-testid="estimate-encoded">{encoded.text}</code>
      </dd>
      <dt>EQS</dt>
      <dd data-testid="estimate-eqs">
        {encoded.eqs.toFixed(2)} (min {encoded.minEqs.toFixed(2)}) · {encoded.tokensSaved} tokens saved
      </dd>
      <dt>Cost</dt>
      <dd data-testid="estimate-tokens">
        {estimate.estimate
          ? `≤ ${estimate.estimate.tokens} tokens (${estimate.estimate.modelTokens} model tokens at ${estimate.estimate.ratePer1k} / 1k)`
          : '—'}
      </dd>
      <dt>Available</dt>
      <dd>{estimate.balance.available} tokens</dd>
      {estimate.budgets.map((b) => (
        <dd key={b.id} className="budget">
          {b.scopeType} budget ({b.period}): {b.remaining ?? '∞'} of {b.amount} left
        </dd>
      ))}
      <dt>Verdict</dt>
      <dd data-testid="estimate-verdict" className={refusal ? 'refused' : 'accepted'}>
        {refusal ? `${refusal.code}: ${refusal.message}` : 'within balance and budgets'}
      </dd>
    </dl>
  );
}
