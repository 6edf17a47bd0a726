import { useState } from 'react';
import { useDataspace, useDataspaceStore } from '../room/DataspaceContext.ts';
import { EstimateReview } from './EstimateReview.tsx';

/**
 * 1-Click governed action on a thread: pick an agent and say what to do, review the estimate (encoded
 * intent, EQS, token cost, whether balance and budgets accept it), confirm. The run reserves, settles
 * and audits tokens on the server; its own figures are shown after.
 */
export function GovernedAction({ threadId }: { threadId: string }) {
  const ds = useDataspaceStore();
  const agents = useDataspace((s) => s.agents);
  const draft = useDataspace((s) => s.draft);
  const lastRun = useDataspace((s) => s.lastRun);
  const held = useDataspace((s) => s.held);
  const busy = useDataspace((s) => s.busy);
  const [agentId, setAgentId] = useState('');
  const [intent, setIntent] = useState('');
  const encoding = lastRun?.stages.find((s) => s.stage === 'encoding');
  return (
    <div className="governed" aria-label="Governed action">
      <h3>Agent action</h3>
      <select aria-label="Agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
        <option value="">Choose an agent…</option>
        {agents.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </select>
      <input aria-label="Intent" value={intent} onChange={(e) => setIntent(e.target.value)} />
      <button type="button" onClick={() => void ds.draftAction(threadId, agentId, intent)}>
        Review
      </button>
      {draft && (
        <div className="draft" role="dialog" aria-label="Confirm governed action">
          <p>
            <strong>{draft.agent.name}</strong> · {draft.agent.cost_per_1k_tokens} tokens / 1k model tokens
          </p>
          <p className="intent">{draft.intentText}</p>
          <EstimateReview estimate={draft.estimate} />
          {draft.estimate?.agent?.humanReview && (
            <p className="review-note">
              A reviewer approves this run before it executes; its tokens are held meanwhile.
            </p>
          )}
          <button
            type="button"
            disabled={busy || !draft.estimate?.accepted}
            onClick={() => void ds.confirmDraft()}
          >
            Confirm
          </button>
          <button type="button" onClick={() => ds.cancelDraft()}>
            Cancel
          </button>
        </div>
      )}
      {held && (
        <p className="held" role="status" data-testid="run-held">
          Awaiting review: {held.message}{' '}
          <button type="button" onClick={() => void ds.withdrawHeld()}>
            Withdraw
          </button>
        </p>
      )}
      {lastRun && (
        <dl className="run" aria-label="Last run">
          <dt>Agent</dt>
          <dd data-testid="run-agent">
            {lastRun.agent.name ?? lastRun.agent.slug}
            {lastRun.agent.model ? ` · ${lastRun.agent.model}` : ''}
          </dd>
          <dt>EQS</dt>
          <dd data-testid="run-eqs">{lastRun.eqs.toFixed(2)}</dd>
          <dt>Tokens</dt>
          <dd data-testid="run-tokens">
            {lastRun.tokens.used} used / {lastRun.tokens.estimated} estimated
          </dd>
          {encoding && (
            <>
              <dt>Task</dt>
              <dd>{String(encoding.task_type ?? '')}</dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}
