import type {
  AnchorSnapshot,
  AvatarMode,
  AvatarSnapshot,
  FeedResult,
  ObjectSnapshot,
  Pose,
  RoomFeed,
  Unsubscribe,
} from './RoomFeed.ts';

type Listener<T> = (value: T) => void;

function channel<T>() {
  const listeners = new Set<Listener<T>>();
  return {
    on(cb: Listener<T>): Unsubscribe {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    emit(value: T) {
      for (const cb of listeners) cb(value);
    },
  };
}

function copyPose(p: Pose): Pose {
  return { x: p.x, y: p.y, z: p.z, qx: p.qx, qy: p.qy, qz: p.qz, qw: p.qw };
}

/** A room feed that is also the room: what the in-process authority exposes to its host. */
export interface LocalRoomFeed extends RoomFeed {
  /** Adds or updates a participant (a simulated peer, or the room replaying a recording). */
  putAvatar(avatar: AvatarSnapshot): void;
  removeAvatar(id: string): void;
  putObject(object: ObjectSnapshot): void;
  /** The poses last sent by this client, as the room would rebroadcast them. */
  readonly lastOwnPose: { head: Pose; left: Pose; right: Pose } | null;
  /** The mode and hand tracking last sent by this client. */
  readonly ownMode: { mode: AvatarMode; handTracking: boolean };
}

/**
 * An in-process room with the realtime room's rules for locks and anchors: a solo room before the
 * realtime server is reachable, and the driver of the client benchmark. Late subscribers receive the
 * current membership, like a Colyseus client receiving its first full state.
 */
export function createLocalRoomFeed(selfId = 'local'): LocalRoomFeed {
  const avatars = new Map<string, AvatarSnapshot>();
  const objects = new Map<string, ObjectSnapshot>();
  const anchors = new Map<string, AnchorSnapshot>();
  const avatarAdd = channel<AvatarSnapshot>();
  const avatarChange = channel<AvatarSnapshot>();
  const avatarRemove = channel<string>();
  const objectAdd = channel<ObjectSnapshot>();
  const objectChange = channel<ObjectSnapshot>();
  const objectRemove = channel<string>();
  const anchorAdd = channel<AnchorSnapshot>();
  const anchorRemove = channel<string>();
  let anchorSeq = 0;
  let lastOwnPose: LocalRoomFeed['lastOwnPose'] = null;
  let ownMode: LocalRoomFeed['ownMode'] = { mode: 'desktop', handTracking: false };

  const replay = <T>(items: Map<string, T>, cb: Listener<T>, off: Unsubscribe): Unsubscribe => {
    for (const item of items.values()) cb(item);
    return off;
  };

  const feed: LocalRoomFeed = {
    selfId,
    get lastOwnPose() {
      return lastOwnPose;
    },
    get ownMode() {
      return ownMode;
    },
    setMode(mode, handTracking) {
      // the room's rule: hands are tracked in an immersive mode only
      ownMode = { mode, handTracking: handTracking && (mode === 'vr' || mode === 'ar') };
    },
    onAvatarAdd: (cb) => replay(avatars, cb, avatarAdd.on(cb)),
    onAvatarChange: (cb) => avatarChange.on(cb),
    onAvatarRemove: (cb) => avatarRemove.on(cb),
    onObjectAdd: (cb) => replay(objects, cb, objectAdd.on(cb)),
    onObjectChange: (cb) => objectChange.on(cb),
    onObjectRemove: (cb) => objectRemove.on(cb),
    onAnchorAdd: (cb) => replay(anchors, cb, anchorAdd.on(cb)),
    onAnchorRemove: (cb) => anchorRemove.on(cb),
    sendPose(head, left, right) {
      lastOwnPose = {
        head: copyPose(head),
        left: copyPose(left),
        right: copyPose(right),
      };
    },
    async grab(objectId): Promise<FeedResult> {
      const object = objects.get(objectId);
      if (!object) return { ok: false, reason: 'not-found', message: `No object ${objectId} in this room.` };
      if (object.heldBy && object.heldBy !== selfId) {
        return { ok: false, reason: 'locked', message: 'Someone else is holding this object.' };
      }
      feed.putObject({ ...object, heldBy: selfId });
      return { ok: true, value: undefined };
    },
    move(objectId, pose) {
      const object = objects.get(objectId);
      if (!object || object.heldBy !== selfId) return;
      feed.putObject({ ...object, pose: copyPose(pose) });
    },
    release(objectId, pose) {
      const object = objects.get(objectId);
      if (!object || object.heldBy !== selfId) return;
      feed.putObject({ ...object, pose: copyPose(pose), heldBy: null });
    },
    async placeAnchor(objectId, pose) {
      const object = objects.get(objectId);
      if (!object) return { ok: false, reason: 'not-found', message: `No object ${objectId} in this room.` };
      if (object.heldBy && object.heldBy !== selfId) {
        return { ok: false, reason: 'locked', message: 'Someone else is holding this object.' };
      }
      const anchor: AnchorSnapshot = {
        id: `anchor-${++anchorSeq}`,
        objectId,
        pose: copyPose(pose),
        xrHandle: null,
      };
      anchors.set(anchor.id, anchor);
      anchorAdd.emit(anchor);
      feed.putObject({ ...object, pose: copyPose(pose), anchorId: anchor.id });
      return { ok: true, value: { anchorId: anchor.id } };
    },
    bindAnchorHandle(anchorId, handle) {
      const anchor = anchors.get(anchorId);
      if (!anchor) return;
      const bound = { ...anchor, xrHandle: handle };
      anchors.set(anchorId, bound);
      anchorAdd.emit(bound);
    },
    putAvatar(avatar) {
      const known = avatars.has(avatar.id);
      avatars.set(avatar.id, avatar);
      (known ? avatarChange : avatarAdd).emit(avatar);
    },
    removeAvatar(id) {
      if (avatars.delete(id)) avatarRemove.emit(id);
    },
    putObject(object) {
      const known = objects.has(object.id);
      objects.set(object.id, object);
      (known ? objectChange : objectAdd).emit(object);
    },
  };
  return feed;
}
