import { useStore } from 'zustand';
import { useSessionStore } from '../session/SessionContext.ts';
import { agentStreams } from './agentStreams.ts';

/**
 * Agents answering in this thread right now: which agent and which model, the text as it is
 * generated, and Stop (the run ends, its tokens return, nothing is written).
 */
export function LiveRuns({ threadId }: { threadId: string }) {
  const { api } = useSessionStore();
  const runs = useStore(agentStreams, (s) => s.runs);
  const live = Object.values(runs).filter((r) => r.threadId === threadId && !r.done);
  if (live.length === 0) return null;
  return (
    <ul className="live-runs" aria-label="Agents answering">
      {live.map((r) => (
        <li key={r.executionId} data-execution={r.executionId}>
          <p className="who">
            {r.agent} · {r.model}
          </p>
          <p className="draft" aria-live="polite">
            {r.text}
          </p>
          <button type="button" onClick={() => void api.cancelRun(r.executionId)}>
            Stop
          </button>
        </li>
      ))}
    </ul>
  );
}
