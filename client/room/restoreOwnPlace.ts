import type { Locomotion } from '../controls/locomotion.ts';
import type { RoomFeed } from '../state/RoomFeed.ts';
import { yawOf } from '../xr/xrOrigin.ts';

/**
 * The room restores a returning avatar where its head last stood (xr_avatars.room_poses); this puts
 * the local viewer there too, facing the same way, before its first pose would overwrite it. An
 * avatar never seated in the room has its head on the floor (y = 0): nothing to restore. Once per
 * join; returns the feed subscription's disposer.
 */
export function restoreOwnPlace(feed: RoomFeed, locomotion: Locomotion): () => void {
  let done = false;
  const off = feed.onAvatarAdd((avatar) => {
    if (done || avatar.id !== feed.selfId) return;
    done = true;
    const { head } = avatar;
    if (head.y <= 0.05) return;
    locomotion.position.set(head.x, 0, head.z);
    locomotion.yaw = yawOf({ x: head.qx, y: head.qy, z: head.qz, w: head.qw });
    locomotion.pitch = 0;
  });
  return off;
}
