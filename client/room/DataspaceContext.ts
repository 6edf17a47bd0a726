import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { DataspaceState, DataspaceStore } from './dataspaceStore.ts';

export const DataspaceContext = createContext<DataspaceStore | null>(null);

export function useDataspaceStore(): DataspaceStore {
  const store = useContext(DataspaceContext);
  if (!store) throw new Error('CHENU client: wrap the room in <DataspaceContext.Provider>.');
  return store;
}

export function useDataspace<T>(select: (s: DataspaceState) => T): T {
  return useStore(useDataspaceStore(), select);
}

/** The one empty list selectors fall back to: a fresh [] per read would re-render forever. */
const NO_ITEMS: never[] = [];

/** The open thread's id with its messages and decisions (stable references while unchanged). */
export function useOpenThread() {
  const threadId = useDataspace((s) => s.openThreadId);
  const messages = useDataspace((s) => (threadId ? s.messages[threadId] : undefined)) ?? NO_ITEMS;
  const decisions = useDataspace((s) => (threadId ? s.decisions[threadId] : undefined)) ?? NO_ITEMS;
  return { threadId, messages, decisions };
}
