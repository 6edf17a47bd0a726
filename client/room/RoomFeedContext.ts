import { createContext, useContext } from 'react';
import type { RoomFeed } from '../state/RoomFeed.ts';

export const RoomFeedContext = createContext<RoomFeed | null>(null);

/** The room's feed, for components that send intents (grab, move, anchor) from inside the scene. */
export function useRoomFeed(): RoomFeed {
  const feed = useContext(RoomFeedContext);
  if (!feed) throw new Error('CHENU client: useRoomFeed needs a <RoomFeedContext.Provider> above it.');
  return feed;
}
