import { describe, expect, it } from 'vitest';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import { createCrowdSimulation } from '../../../client/state/crowdSimulation.ts';
import type { AvatarSnapshot, Pose } from '../../../client/state/RoomFeed.ts';
import { createRoomStore } from '../../../client/state/roomStore.ts';

const at = (x: number, y = 0, z = 0): Pose => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });
const avatar = (id: string, x: number, extra: Partial<AvatarSnapshot> = {}): AvatarSnapshot => ({
  id,
  identityId: `identity-${id}`,
  displayName: `Name ${id}`,
  color: '#336699',
  speaking: false,
  head: at(x, 1.6),
  left: at(x - 0.2, 1.1),
  right: at(x + 0.2, 1.1),
  ...extra,
});

describe('roomStore fed by a RoomFeed', () => {
  it('replays the current membership, skips its own avatar and detaches on dispose', () => {
    const feed = createLocalRoomFeed('me');
    feed.putAvatar(avatar('a', 1));
    feed.putAvatar(avatar('me', 0));
    const store = createRoomStore();
    const dispose = bindRoomFeed(feed, store, () => 0);
    expect(store.getState().avatars.map((a) => a.id)).toEqual(['a']);
    feed.putAvatar(avatar('b', 2));
    expect(store.getState().avatars.map((a) => a.id)).toEqual(['a', 'b']);
    feed.removeAvatar('a');
    expect(store.getState().avatars.map((a) => a.id)).toEqual(['b']);
    dispose();
    expect(store.getState().avatars).toEqual([]);
    feed.putAvatar(avatar('c', 3));
    expect(store.getState().avatars).toEqual([]);
  });

  it('applies pose patches in place without a new state (no React re-render per patch)', () => {
    const feed = createLocalRoomFeed('me');
    const store = createRoomStore();
    let now = 0;
    bindRoomFeed(feed, store, () => now);
    feed.putAvatar(avatar('a', 1));
    const before = store.getState();
    const entry = before.avatars[0]!;
    now = 100;
    feed.putAvatar(avatar('a', 3, { speaking: true }));
    expect(store.getState()).toBe(before);
    expect(entry.speaking).toBe(true);
    expect(entry.track.to[0]).toBeCloseTo(3, 5);
    expect(entry.track.from[0]).toBeCloseTo(1, 5);
    feed.putAvatar(avatar('a', 3, { displayName: 'Renamed' }));
    expect(store.getState()).not.toBe(before);
    expect(store.getState().avatars[0]!.displayName).toBe('Renamed');
  });

  it('groups objects by kind and reflects locks and anchors from the room', async () => {
    const feed = createLocalRoomFeed('me');
    const store = createRoomStore();
    bindRoomFeed(feed, store, () => 0);
    createCrowdSimulation(feed, { avatars: 2, objects: 8, seed: 42 });
    const kinds = store.getState().objectsByKind;
    expect(Object.values(kinds).map((list) => list.length)).toEqual([2, 2, 2, 2]);
    expect(await feed.grab('object-0')).toEqual({ ok: true, value: undefined });
    expect(store.findObject('object-0')!.heldBy).toBe('me');
    feed.putObject({
      ...{ id: 'object-1', kind: 'workspace-panel', pose: at(0), scale: 1, anchorId: null },
      heldBy: 'peer-0',
    });
    expect(await feed.grab('object-1')).toMatchObject({ ok: false, reason: 'locked' });
    const anchored = await feed.placeAnchor('object-0', at(1, 1, 1));
    expect(anchored.ok).toBe(true);
    expect(store.getState().anchors).toHaveLength(1);
    expect(store.findObject('object-0')!.anchorId).toBe(store.getState().anchors[0]!.id);
    expect(await feed.grab('missing')).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('builds the same crowd from the same seed', () => {
    const names = (seed: number) => {
      const feed = createLocalRoomFeed('me');
      const store = createRoomStore();
      bindRoomFeed(feed, store, () => 0);
      createCrowdSimulation(feed, { avatars: 5, objects: 0, seed });
      return store.getState().avatars.map((a) => `${a.color}@${a.track.current[0]!.toFixed(3)}`);
    };
    expect(names(1)).toEqual(names(1));
    expect(names(1)).not.toEqual(names(2));
  });
});
