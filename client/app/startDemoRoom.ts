import { createCrowdSimulation } from '../state/crowdSimulation.ts';
import { createLocalRoomFeed, type LocalRoomFeed } from '../state/createLocalRoomFeed.ts';
import { PATCH_INTERVAL_MS } from '../state/roomStore.ts';

/**
 * A solo room filled with a few simulated peers and objects, used until a realtime room is joined.
 * Returns the feed and a disposer that stops the peers.
 */
export function startDemoRoom(seed = 7): { feed: LocalRoomFeed; stop: () => void } {
  const feed = createLocalRoomFeed('local');
  const crowd = createCrowdSimulation(feed, { avatars: 6, objects: 40, seed, radius: 3 });
  const timer = setInterval(() => crowd.step(performance.now()), PATCH_INTERVAL_MS);
  return { feed, stop: () => clearInterval(timer) };
}
