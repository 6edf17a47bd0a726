import { createStore } from 'zustand/vanilla';
import type { DbEventMessage } from '../../shared/protocol/spatialProtocol.ts';

/** A run's answer as the model writes it (`agent_stream` events of the room). */
export interface LiveRun {
  readonly executionId: string;
  readonly threadId: string | null;
  readonly agent: string;
  readonly model: string;
  /** The identity that asked for the run: the only one that may stop it. */
  readonly runner: string | null;
  readonly text: string;
  readonly done: boolean;
  readonly failed: boolean;
}

interface StreamData {
  threadId?: string | null;
  seq?: number;
  delta?: string;
  done?: boolean;
  failed?: boolean;
  agent?: string;
  model?: string;
  runner?: string;
}

/**
 * The live answers of running agents in the room, keyed by run. Chunks arrive in order over the room
 * connection; the text is only a preview: the thread's message is written when the run settles (the
 * room's `messages` event then reloads the thread), so a stopped run leaves nothing.
 */
export const agentStreams = createStore<{ runs: Readonly<Record<string, LiveRun>> }>()(() => ({ runs: {} }));

/** Applies a room event; returns true when it was an agent stream chunk. */
export function applyAgentStream(event: DbEventMessage): boolean {
  if (event.table !== 'agent_stream') return false;
  const d = event.data as StreamData;
  const runs = agentStreams.getState().runs;
  if (d.done === true) {
    // the run ended: its message (if it settled) reaches the thread through the room's messages event
    agentStreams.setState({
      runs: Object.fromEntries(Object.entries(runs).filter(([id]) => id !== event.id)),
    });
    return true;
  }
  const prev = runs[event.id];
  const next: LiveRun = {
    executionId: event.id,
    threadId: d.threadId ?? prev?.threadId ?? null,
    agent: d.agent ?? prev?.agent ?? '',
    model: d.model ?? prev?.model ?? '',
    runner: d.runner ?? prev?.runner ?? null,
    text: (prev?.text ?? '') + (d.delta ?? ''),
    done: false,
    failed: false,
  };
  agentStreams.setState({ runs: { ...runs, [event.id]: next } });
  return true;
}
