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
