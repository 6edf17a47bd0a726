import { PerspectiveCamera } from 'three';
import { describe, expect, it } from 'vitest';
import { capacityFor, createAvatarParts } from '../../../client/avatars/createAvatarParts.ts';
import { bindRoomFeed } from '../../../client/state/bindRoomFeed.ts';
import { createLocalRoomFeed } from '../../../client/state/createLocalRoomFeed.ts';
import type { Pose } from '../../../client/state/RoomFeed.ts';
import { createRoomStore } from '../../../client/state/roomStore.ts';

const at = (x: number, y: number, z: number): Pose => ({ x, y, z, qx: 0, qy: 0, qz: 0, qw: 1 });
const HEIGHT_PX = 1000;

describe('createAvatarParts: culling and levels of detail', () => {
  it('draws heads, hands and indicators in view only, each at the coarsest level that looks the same', () => {
    const feed = createLocalRoomFeed('me');
    const store = createRoomStore();
    bindRoomFeed(feed, store);
    const put = (id: string, z: number) =>
      feed.putAvatar({
        id,
        identityId: `identity-${id}`,
        displayName: id,
        color: '#3366ff',
        speaking: true,
        head: at(0, 1.6, z),
        left: at(-0.25, 1.1, z),
        right: at(0.25, 1.1, z),
      });
    put('near', -2); // head ~50 px in radius on a 1000 px screen at 70°: the full sphere
    put('far', -50); // ~2 px: the coarsest sphere; hands under half a pixel thick: faces only
    put('behind', 5);
    const avatars = store.getState().avatars;
    const camera = new PerspectiveCamera(70, 1, 0.05, 200);
    camera.position.set(0, 1.4, 0);
    camera.updateProjectionMatrix();
    camera.updateMatrixWorld();
    const parts = createAvatarParts(capacityFor(avatars.length));
    parts.setMembers(avatars);
    parts.update(avatars, 0, camera, HEIGHT_PX);
    expect(parts.heads.map((m) => m.count)).toEqual([1, 0, 1]);
    expect(parts.heads.map((m) => m.visible)).toEqual([true, false, true]);
    expect(parts.hands.map((m) => m.count)).toEqual([2, 2]);
    expect(parts.speaking.count).toBe(2);
    // every participant keeps a tag (the atlas slot is the avatar's index)
    expect(parts.tags.count).toBe(3);

    // the same room on a render target twice as high: the far head is ~4 px, the middle level
    parts.update(avatars, 0, camera, HEIGHT_PX * 2);
    expect(parts.heads.map((m) => m.count)).toEqual([1, 1, 0]);

    // turn around: only the one behind is in view
    camera.rotation.y = Math.PI;
    camera.updateMatrixWorld();
    parts.update(avatars, 0, camera, HEIGHT_PX);
    expect(parts.heads.reduce((n, m) => n + m.count, 0)).toBe(1);
    expect(parts.hands.reduce((n, m) => n + m.count, 0)).toBe(2);
    expect(parts.speaking.count).toBe(1);
    parts.dispose();
  });
});
