import { createContext, useContext } from 'react';
import type { RoomStore } from '../state/roomStore.ts';

export const RoomStoreContext = createContext<RoomStore | null>(null);

/** The room store provided above the scene; per-frame code reads it with `getState()`. */
export function useRoomStoreApi(): RoomStore {
  const store = useContext(RoomStoreContext);
  if (!store) throw new Error('CHENU client: useRoomStoreApi needs a <RoomStoreContext.Provider> above it.');
  return store;
}
