import { useState, type FormEvent } from 'react';
import { useDataspace, useDataspaceStore, useOpenThread } from '../room/DataspaceContext.ts';
import { GovernedAction } from './GovernedAction.tsx';
import { LiveRuns } from './LiveRuns.tsx';

/** A thread as a 2D panel: its messages and decisions, posting a message, recording a decision. */
export function ThreadPanel() {
  const ds = useDataspaceStore();
  const threads = useDataspace((s) => s.threads);
  const { threadId, messages, decisions } = useOpenThread();
  const error = useDataspace((s) => s.error);
  const [text, setText] = useState('');
  const [decision, setDecision] = useState('');
  if (!threadId) return <section className="panel thread">No thread in this dataspace.</section>;
  const post = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() && (await ds.postMessage(threadId, text.trim()))) setText('');
  };
  const decide = async (e: FormEvent) => {
    e.preventDefault();
    if (decision.trim() && (await ds.recordDecision(threadId, decision.trim()))) setDecision('');
  };
  return (
    <section className="panel thread" aria-label="Thread panel">
      <select aria-label="Thread" value={threadId} onChange={(e) => void ds.openThread(e.target.value)}>
        {threads.map((t) => (
          <option key={t.id} value={t.id}>
            {t.title}
          </option>
        ))}
      </select>
      <ol className="messages" aria-label="Messages">
        {messages.map((m) => (
          <li key={m.id} data-author={m.author_kind}>
            {m.body}
          </li>
        ))}
      </ol>
      <LiveRuns threadId={threadId} />
      <form onSubmit={(e) => void post(e)}>
        <input aria-label="Message" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Post</button>
      </form>
      <h3>Decisions</h3>
      <ul aria-label="Decisions">
        {decisions.map((d) => (
          <li key={d.id} data-status={d.status}>
            {d.title}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void decide(e)}>
        <input aria-label="Decision" value={decision} onChange={(e) => setDecision(e.target.value)} />
        <button type="submit">Record decision</button>
      </form>
      <GovernedAction threadId={threadId} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
