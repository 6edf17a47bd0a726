import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useSession, useSessionStore } from '../session/SessionContext.ts';
import { Button } from '../ui/Button.tsx';
import { agentStreams } from './agentStreams.ts';

/**
 * Agents answering in this thread right now: which agent and which model, the text as it is
 * generated, and, for the person who asked for the run, Stop (the run ends, its tokens return,
 * nothing is written). In a shared dataspace the others watch the answer come; only its runner may
 * stop it, so only the runner's identity is offered the button.
 */
export function LiveRuns({ threadId }: { threadId: string }) {
  const { t } = useTranslation();
  const { api } = useSessionStore();
  const me = useSession((s) => s.activeIdentityId);
  const runs = useStore(agentStreams, (s) => s.runs);
  const live = Object.values(runs).filter((r) => r.threadId === threadId && !r.done);
  if (live.length === 0) return null;
  return (
    <ul className="live-runs stack" aria-label={t('governed.live')}>
      {live.map((r) => (
        <li key={r.executionId} data-execution={r.executionId} className="message" data-author="agent">
          <span className="message-meta">
            {r.agent} · {r.model}
          </span>
          <span className="message-body" aria-live="polite">
            {r.text}
          </span>
          {r.runner === me && (
            <Button variant="quiet" size="sm" onPress={() => void api.cancelRun(r.executionId)}>
              {t('governed.stop')}
            </Button>
          )}
        </li>
      ))}
    </ul>
  );
}
