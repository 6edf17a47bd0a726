import '../session/installDom.ts';
import { act, cleanup, render } from '@testing-library/react';
import type { TFunction } from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { agentExecutionsRow } from '../../../shared/api/tables.generated.ts';
import type { AgentRun, ChenuApi } from '../../../client/api/chenuApi.ts';
import { formattersFor } from '../../../client/i18n/format.ts';
import { initI18n } from '../../../client/i18n/i18n.ts';
import { DataspaceContext } from '../../../client/room/DataspaceContext.ts';
import type { DataspaceStore } from '../../../client/room/dataspaceStore.ts';
import { agentStreams, applyAgentStream } from '../../../client/threads/agentStreams.ts';
import {
  RUNS_SHOWN,
  runLine,
  runnerText,
  runPhase,
  runTokensText,
  useThreadRuns,
} from '../../../client/threads/threadRuns.ts';

const i18n = initI18n({ lng: 'en' });
afterEach(() => {
  cleanup();
  agentStreams.setState({ runs: {} });
});

const T = 'a0000000-0000-4000-8000-000000000001';
const OTHER = 'a0000000-0000-4000-8000-000000000002';

function run(status: AgentRun['status'], over: Partial<AgentRun> = {}): AgentRun {
  return {
    id: crypto.randomUUID(),
    thread_id: T,
    dataspace_id: T,
    agent_id: T,
    agent_slug: 'summarizer',
    agent_name: 'Résumeur',
    status,
    task_type: 'summarize_thread',
    intent_excerpt: 'Résume',
    tokens_estimated: 400,
    tokens_reserved: 0,
    tokens_used: 0,
    runner_identity_id: null,
    started_at: null,
    finished_at: null,
    created_at: new Date().toISOString(),
    ...over,
  };
}

describe('runPhase', () => {
  it('folds every status the table allows into the phase a person reads', () => {
    const phases = Object.fromEntries(agentExecutionsRow.shape.status.options.map((s) => [s, runPhase(s)]));
    expect(phases).toEqual({
      pending: 'pending',
      encoding: 'pending',
      validating: 'pending',
      estimating: 'pending',
      reserved: 'pending',
      locked: 'pending',
      matched: 'pending',
      approved: 'pending',
      awaiting_review: 'review',
      running: 'running',
      assembling: 'running',
      settling: 'running',
      succeeded: 'completed',
      failed: 'failed',
      refused: 'failed',
      rejected: 'rejected',
      cancelled: 'cancelled',
    });
  });
});

describe('runTokensText', () => {
  const t = i18n.t.bind(i18n) as TFunction;
  const fmt = formattersFor('en');
  it('says what was used once settled, what is held while open, and nothing charged otherwise', () => {
    expect(runTokensText(run('succeeded', { tokens_used: 1250 }), t, fmt)).toBe('1,250 tokens used');
    expect(runTokensText(run('awaiting_review', { tokens_reserved: 1 }), t, fmt)).toBe('1 token held');
    expect(runTokensText(run('cancelled'), t, fmt)).toBe('nothing charged');
    expect(runLine(run('failed'), t, fmt)).toBe('Résumeur · failed · nothing charged');
    expect(runLine(run('running', { agent_name: null, tokens_reserved: 9 }), t, fmt)).toBe(
      'An agent · running · 9 tokens held',
    );
  });
});

describe('runnerText', () => {
  const t = i18n.t.bind(i18n) as TFunction;
  it('says you for the active identity, the name the people list gives, else someone else', () => {
    const me = crypto.randomUUID();
    const bob = crypto.randomUUID();
    const names = new Map([[bob, 'Bob — Gagnon Construction']]);
    expect(runnerText(run('succeeded', { runner_identity_id: me }), me, names, t)).toBe('asked by you');
    expect(runnerText(run('succeeded', { runner_identity_id: bob }), me, names, t)).toBe(
      'asked by Bob — Gagnon Construction',
    );
    expect(runnerText(run('succeeded', { runner_identity_id: crypto.randomUUID() }), me, names, t)).toBe(
      'asked by someone else',
    );
    // a runner whose identity is gone is nobody's, even with no active identity
    expect(runnerText(run('succeeded', { runner_identity_id: null }), null, names, t)).toBe(
      'asked by someone else',
    );
  });
});

/** An API that answers each read when the test says so, counting them. */
function fakeApi() {
  const pending: { threadId: string; limit: number; resolve: (runs: AgentRun[]) => void }[] = [];
  const api: Pick<ChenuApi, 'threadRuns'> = {
    threadRuns: (threadId, limit) =>
      new Promise((resolve) =>
        pending.push({ threadId, limit, resolve: (data) => resolve({ data, next_cursor: null }) }),
      ),
  };
  return { api, pending };
}

function fakeDataspace(): DataspaceStore {
  return createStore(() => ({ messages: {}, held: null, lastRun: null })) as unknown as DataspaceStore;
}

let seen: { runs: readonly AgentRun[] | null; failed: boolean } = { runs: null, failed: false };
function Probe({ api }: { api: Pick<ChenuApi, 'threadRuns'> }) {
  seen = useThreadRuns(api, T);
  return null;
}

describe('useThreadRuns', () => {
  it("reads the thread's newest runs, and again when a run of this thread starts, ends or settles", async () => {
    const { api, pending } = fakeApi();
    const ds = fakeDataspace();
    render(
      <DataspaceContext.Provider value={ds}>
        <Probe api={api} />
      </DataspaceContext.Provider>,
    );
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ threadId: T, limit: RUNS_SHOWN });
    expect(seen.runs).toBeNull();
    const first = [run('succeeded')];
    await act(async () => pending[0]!.resolve(first));
    expect(seen.runs).toEqual(first);

    // a run of another thread streams: nothing to read again
    act(() => {
      applyAgentStream({
        table: 'agent_stream',
        op: 'INSERT',
        id: 'e-other',
        identityId: null,
        data: { threadId: OTHER, delta: 'x' },
      });
    });
    expect(pending).toHaveLength(1);
    // a run of this thread starts streaming, then more of its text arrives (no new read), then it ends
    act(() => {
      applyAgentStream({
        table: 'agent_stream',
        op: 'INSERT',
        id: 'e1',
        identityId: null,
        data: { threadId: T, delta: 'a', agent: 'Résumeur' },
      });
    });
    expect(pending).toHaveLength(2);
    act(() => {
      applyAgentStream({
        table: 'agent_stream',
        op: 'INSERT',
        id: 'e1',
        identityId: null,
        data: { delta: 'b' },
      });
    });
    expect(pending).toHaveLength(2);
    act(() => {
      applyAgentStream({
        table: 'agent_stream',
        op: 'INSERT',
        id: 'e1',
        identityId: null,
        data: { done: true },
      });
    });
    expect(pending).toHaveLength(3);
    // the thread's messages are read again (the room's messages event of a settled run)
    act(() => ds.setState({ messages: { [T]: [] } } as never));
    expect(pending).toHaveLength(4);

    // only the newest read decides: an earlier answer arriving late is dropped
    const newest = [run('running'), run('succeeded')];
    await act(async () => pending[3]!.resolve(newest));
    await act(async () => pending[1]!.resolve([run('pending')]));
    expect(seen.runs).toEqual(newest);
  });
});
