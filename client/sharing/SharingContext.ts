import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { InboxState, InboxStore } from './inboxStore.ts';
import type { PresenceStore } from './presenceStore.ts';

/** The app's sharing stores: the invitations inbox, and the presence channel when the app has one. */
export interface Sharing {
  readonly inbox: InboxStore;
  /** Null where no realtime server is configured (component tests of the 2D screens). */
  readonly presence: PresenceStore | null;
}

export const SharingContext = createContext<Sharing | null>(null);

export function useSharing(): Sharing {
  const sharing = useContext(SharingContext);
  if (!sharing) throw new Error('CHENU client: wrap the app in <SharingContext.Provider> (AppProviders).');
  return sharing;
}

export function useInbox<T>(select: (s: InboxState) => T): T {
  return useStore(useSharing().inbox, select);
}
