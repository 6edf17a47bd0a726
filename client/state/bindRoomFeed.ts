import type { RoomFeed } from './RoomFeed.ts';
import type { RoomStore } from './roomStore.ts';

/** Monotonic clock shared by patches and frames, so interpolation never mixes time bases. */
export const roomClock = (): number => performance.now();

/**
 * Feeds a room's membership and patches into the store. Returns a disposer that detaches every
 * callback and empties the store, so a reconnect starts from the room's next full state.
 */
export function bindRoomFeed(feed: RoomFeed, store: RoomStore, now: () => number = roomClock): () => void {
  store.reset();
  store.setSelf(feed.selfId);
  const detach = [
    feed.onAvatarAdd((a) => store.upsertAvatar(a, now())),
    feed.onAvatarChange((a) => store.upsertAvatar(a, now())),
    feed.onAvatarRemove((id) => store.removeAvatar(id)),
    feed.onObjectAdd((o) => store.upsertObject(o, now())),
    feed.onObjectChange((o) => store.upsertObject(o, now())),
    feed.onObjectRemove((id) => store.removeObject(id)),
    feed.onAnchorAdd((a) => store.addAnchor(a)),
    feed.onAnchorRemove((id) => store.removeAnchor(id)),
  ];
  return () => {
    for (const off of detach) off();
    store.reset();
  };
}
