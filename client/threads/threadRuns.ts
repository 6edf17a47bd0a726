import { useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useStore } from 'zustand';
import type { AgentRun, ChenuApi } from '../api/chenuApi.ts';
import type { Formatters } from '../i18n/format.ts';
import { useDataspace } from '../room/DataspaceContext.ts';
import { agentStreams } from './agentStreams.ts';

/** How many of a thread's newest runs the thread panel and the thread room show. */
export const RUNS_SHOWN = 8;

/** The statuses a person tells apart; the pipeline's finer steps fold into them. */
export type RunPhase = 'pending' | 'review' | 'running' | 'completed' | 'failed' | 'rejected' | 'cancelled';

/** The phase of a run's stored status (agent_executions.status). */
export function runPhase(status: AgentRun['status']): RunPhase {
  switch (status) {
    case 'awaiting_review':
      return 'review';
    case 'running':
    case 'assembling':
    case 'settling':
      return 'running';
    case 'succeeded':
      return 'completed';
    case 'failed':
    case 'refused':
      return 'failed';
    case 'rejected':
      return 'rejected';
    case 'cancelled':
      return 'cancelled';
    default:
      // pending, encoding, validating, estimating, reserved, locked, matched, approved
      return 'pending';
  }
}

/** Whether a run still holds tokens or may change. */
export function isOpenPhase(phase: RunPhase): boolean {
  return phase === 'pending' || phase === 'review' || phase === 'running';
}

/** A run's tokens in words: used once settled, held while open, nothing when it ended unpaid. */
export function runTokensText(run: AgentRun, t: TFunction, fmt: Formatters): string {
  const phase = runPhase(run.status);
  if (run.tokens_used > 0 || phase === 'completed') {
    return t('runs.tokensUsed', { count: run.tokens_used, value: fmt.tokens(run.tokens_used) });
  }
  if (isOpenPhase(phase)) {
    return t('runs.tokensHeld', { count: run.tokens_reserved, value: fmt.tokens(run.tokens_reserved) });
  }
  return t('runs.tokensNone');
}

/** One line of a run: agent · status · tokens (Latin-1 only, so the 3D panels' font draws it). */
export function runLine(run: AgentRun, t: TFunction, fmt: Formatters): string {
  const agent = run.agent_name ?? t('runs.unknownAgent');
  return `${agent} · ${t(`runs.phase.${runPhase(run.status)}`)} · ${runTokensText(run, t, fmt)}`;
}

/**
 * Who asked for a run: "you" for the active identity, the name the dataspace's people list gives
 * (`names`), else "someone else" (a meeting seat, an elevated reader, someone who left).
 */
export function runnerText(
  run: AgentRun,
  me: string | null,
  names: ReadonlyMap<string, string>,
  t: TFunction,
): string {
  if (run.runner_identity_id && run.runner_identity_id === me) return t('runs.byYou');
  const name = run.runner_identity_id ? names.get(run.runner_identity_id) : undefined;
  return name ? t('runs.byName', { name }) : t('runs.byOther');
}

const NO_NAMES: ReadonlyMap<string, string> = new Map();

/**
 * The names of the owner and members of `dataspaceId` (`GET /dataspaces/{id}/members`), read once per
 * dataspace, to say who asked for each run. Whoever may not list them (a meeting seat) gets none.
 */
export function usePeopleNames(
  api: Pick<ChenuApi, 'members'>,
  dataspaceId: string | undefined,
): ReadonlyMap<string, string> {
  const [names, setNames] = useState<{ dataspaceId: string; names: ReadonlyMap<string, string> } | null>(
    null,
  );
  useEffect(() => {
    if (!dataspaceId) return;
    let current = true;
    api.members(dataspaceId).then(
      (list) =>
        current && setNames({ dataspaceId, names: new Map(list.data.map((m) => [m.identity_id, m.name])) }),
      () => current && setNames({ dataspaceId, names: NO_NAMES }),
    );
    return () => void (current = false);
  }, [api, dataspaceId]);
  return names && names.dataspaceId === dataspaceId ? names.names : NO_NAMES;
}

/**
 * The newest RUNS_SHOWN runs of `threadId` from the API (`GET /agents/executions`), read again when
 * something in the room says a run began, changed or ended: a live run starts or ends streaming
 * (agentStreams), the thread's messages are read again (a settled run writes its answer there; the
 * room's `messages` event triggers it), or this person's own run was held, withdrawn or settled.
 * `runs` is null until the first answer; `failed` when the last read was refused (the last list stays).
 */
export function useThreadRuns(
  api: Pick<ChenuApi, 'threadRuns'>,
  threadId: string,
): { runs: readonly AgentRun[] | null; failed: boolean } {
  const messages = useDataspace((s) => s.messages[threadId]);
  const held = useDataspace((s) => s.held);
  const lastRun = useDataspace((s) => s.lastRun);
  const live = useStore(agentStreams, (s) =>
    Object.values(s.runs)
      .filter((r) => r.threadId === threadId)
      .map((r) => r.executionId)
      .sort()
      .join(','),
  );
  // keyed by thread: another thread's list is never shown while this one's is read
  const [state, setState] = useState<{ threadId: string; runs: readonly AgentRun[] | null; failed: boolean }>(
    {
      threadId,
      runs: null,
      failed: false,
    },
  );
  useEffect(() => {
    let current = true;
    api.threadRuns(threadId, RUNS_SHOWN).then(
      (page) => current && setState({ threadId, runs: page.data, failed: false }),
      () =>
        current &&
        setState((s) => ({ threadId, runs: s.threadId === threadId ? s.runs : null, failed: true })),
    );
    return () => void (current = false);
  }, [api, threadId, messages, held, lastRun, live]);
  return state.threadId === threadId ? state : { runs: null, failed: false };
}
