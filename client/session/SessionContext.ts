import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { SessionState, SessionStore } from '../app/sessionStore.ts';

export const SessionContext = createContext<SessionStore | null>(null);

/** The session store of the app; components outside a provider are a wiring bug. */
export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error('CHENU client: wrap the app in <SessionContext.Provider>.');
  return store;
}

export function useSession<T>(select: (s: SessionState) => T): T {
  return useStore(useSessionStore(), select);
}
