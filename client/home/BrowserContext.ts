import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { BrowserState, BrowserStore } from './browserStore.ts';

export const BrowserContext = createContext<BrowserStore | null>(null);

/** The dataspace browser store of the app; components outside a provider are a wiring bug. */
export function useBrowserStore(): BrowserStore {
  const store = useContext(BrowserContext);
  if (!store) throw new Error('CHENU client: wrap the app in <BrowserContext.Provider>.');
  return store;
}

export function useBrowser<T>(select: (s: BrowserState) => T): T {
  return useStore(useBrowserStore(), select);
}
