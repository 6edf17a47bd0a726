import type { VoiceSignal } from '../voice/VoiceSignal.ts';
import { createVoiceSignal, VOICE_TYPES } from './voiceSignal.ts';
import { Callbacks, Client, type Room } from '@colyseus/sdk';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { POSE_HZ } from '../../shared/protocol/limits.ts';
import {
  SPATIAL_SERVER,
  type DbEventMessage,
  type GrabReply,
  type PlacedReply,
  type RealtimeErrorMessage,
} from '../../shared/protocol/spatialProtocol.ts';
import {
  SpatialState,
  type Anchor,
  type Avatar,
  type SpatialObject,
} from '../../shared/schema/SpatialState.ts';
import type {
  AnchorSnapshot,
  AvatarMode,
  AvatarSnapshot,
  FeedResult,
  ObjectSnapshot,
  Pose,
  RoomFeed,
} from '../state/RoomFeed.ts';
import { createChannel } from './channel.ts';
import { createPendingRequests } from './pendingRequests.ts';
import {
  anchorLabelFor,
  anchorSnapshot,
  avatarSnapshot,
  isNear,
  objectSnapshot,
  partPose,
  refusalOf,
  unitQuat,
  vec3,
} from './spatialSnapshots.ts';

/** Moves are "action" messages on the server (ACTION_RATE 10/s): held objects stream at this rate. */
export const MOVE_HZ = 8;
/** A grab or anchor request unanswered this long is reported as offline. */
export const REQUEST_TIMEOUT_MS = 5_000;
/** Frames jitter: a pose offered this early before its slot still goes out. */
const POSE_SLACK_MS = 3;

/** Object kinds a client may place (spatial_objects.kind). */
export type PlaceableKind = 'thread_panel' | 'workspace_panel' | 'memory_card' | 'note';

export type FeedStatus = 'connected' | 'reconnecting' | 'closed';

export interface FeedStatusState {
  readonly status: FeedStatus;
  /** Why the room closed (or the last drop), in the server's words (for the console). */
  readonly reason: string | null;
  /** The close code when closed (shared/protocol ROOM_CLOSE: kicked, token expired, access ended). */
  readonly code?: number | null;
}

/** A RoomFeed on a live SpatialRoom, plus what the app shows around the room. */
export interface ColyseusRoomFeed extends RoomFeed {
  readonly room: Room<unknown, SpatialState>;
  /** Connection state for the UI: 'reconnecting' while the SDK retries after a drop. */
  readonly status: StoreApi<FeedStatusState>;
  /** Refusals not tied to a pending request (a move on a lost lock, a rate limit). */
  onRefusal(cb: (error: RealtimeErrorMessage) => void): () => void;
  /**
   * Places a new object (e.g. a thread panel with `refId` = the thread). Resolves with its id once the
   * room state carries it (the room's `placed` reply follows the patch that adds it).
   */
  placeObject(
    kind: PlaceableKind,
    pose: Pose,
    extra?: { refId?: string; scale?: number; data?: Record<string, string | number | boolean> },
  ): Promise<FeedResult<{ readonly objectId: string }>>;
  /** Database changes of the dataspace (new messages, decisions) pushed by the room. */
  onDbEvent(cb: (event: DbEventMessage) => void): () => void;
  /** The room's voice signalling (client/voice), over this connection. */
  readonly voice: VoiceSignal;
  leave(): Promise<void>;
}

export interface JoinSpatialRoomOptions {
  /** ws(s)://host:port of the realtime server. */
  endpoint: string;
  /** The supabase session's access token (carries identity_id). */
  accessToken: string;
  dataspaceId: string;
  /** A thread or workspace of the dataspace entered as a room of its own (`thread:<id>`, `workspace:<id>`). */
  place?: string | null;
  mode?: AvatarMode;
  /** Overrides of the SDK's automatic reconnection (tests shorten minUptime). */
  reconnection?: Partial<
    Pick<Room['reconnection'], 'minUptime' | 'maxRetries' | 'delay' | 'minDelay' | 'maxDelay'>
  >;
}

/** Why a join was refused, with the room's own message (auth, access, full, locked). */
export class RoomJoinError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoomJoinError';
  }
}

/**
 * Joins (or creates) the dataspace's SpatialRoom — or, with `place`, the room of one of its threads
 * or workspaces (the `place` room, admitted as the dataspace) — with the session token, as a feed.
 */
export async function joinSpatialRoom(options: JoinSpatialRoomOptions): Promise<ColyseusRoomFeed> {
  const client = new Client(options.endpoint);
  client.auth.token = options.accessToken;
  let room: Room<unknown, SpatialState>;
  try {
    room = await client.joinOrCreate(
      options.place ? 'place' : 'spatial',
      {
        dataspaceId: options.dataspaceId,
        ...(options.place ? { place: options.place } : {}),
        ...(options.mode ? { mode: options.mode } : {}),
      },
      SpatialState,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RoomJoinError(`Could not enter the room: ${message}`, { cause: error });
  }
  Object.assign(room.reconnection, options.reconnection ?? {});
  return createColyseusRoomFeed(room);
}

/** What each request the feed sends resolves with (its reply's value). */
interface FeedReplies extends Record<string, unknown> {
  grab: undefined;
  placeAnchor: { readonly anchorId: string };
  placeObject: { readonly objectId: string };
}

const offline = { ok: false, reason: 'offline', message: 'The room connection is down; try again.' } as const;

/** Wraps a joined SpatialRoom. Late subscribers receive the current membership first. */
export function createColyseusRoomFeed(room: Room<unknown, SpatialState>): ColyseusRoomFeed {
  const cb = Callbacks.get(room);
  const selfId = room.sessionId;
  const status = createStore<FeedStatusState>()(() => ({ status: 'connected', reason: null }));
  const avatars = new Map<string, AvatarSnapshot>();
  const objects = new Map<string, ObjectSnapshot>();
  const anchors = new Map<string, AnchorSnapshot>();
  const ch = {
    avatarAdd: createChannel<AvatarSnapshot>(),
    avatarChange: createChannel<AvatarSnapshot>(),
    avatarRemove: createChannel<string>(),
    objectAdd: createChannel<ObjectSnapshot>(),
    objectChange: createChannel<ObjectSnapshot>(),
    objectRemove: createChannel<string>(),
    anchorAdd: createChannel<AnchorSnapshot>(),
    anchorRemove: createChannel<string>(),
    refusal: createChannel<RealtimeErrorMessage>(),
    voiceRefusal: createChannel<RealtimeErrorMessage>(),
    db: createChannel<DbEventMessage>(),
  };
  const dirtyAvatars = new Set<Avatar>();
  const dirtyObjects = new Set<SpatialObject>();
  const detach: (() => void)[] = [];
  const state = () => room.state;
  const avatarOffs = new Map<string, () => void>();
  const objectOffs = new Map<string, () => void>();
  // grabs and placements wait for the reply or error that names their request id
  const requests = createPendingRequests<FeedReplies>({ timeoutMs: REQUEST_TIMEOUT_MS, whenLost: offline });
  /** Objects whose lock this client was granted and has not released. */
  const held = new Set<string>();
  /** The mode last set, sent again after a reconnection. */
  let sentMode: { mode: AvatarMode; handTracking: boolean } | null = null;

  const emitAvatar = (a: Avatar) => {
    const snap = avatarSnapshot(a, a.sessionId === selfId || isNear(state().avatars.get(selfId), a));
    const known = avatars.has(snap.id);
    avatars.set(snap.id, snap);
    (known ? ch.avatarChange : ch.avatarAdd).emit(snap);
  };
  const emitObject = (o: SpatialObject) => {
    const snap = objectSnapshot(o, o.anchorId ? state().anchors.get(o.anchorId) : undefined);
    if (!snap) return;
    const known = objects.has(snap.id);
    objects.set(snap.id, snap);
    (known ? ch.objectChange : ch.objectAdd).emit(snap);
    if (snap.heldBy !== selfId) held.delete(snap.id);
  };

  detach.push(
    cb.onAdd('avatars', (avatar) => {
      let offCoarse: (() => void) | undefined;
      const offs = [
        cb.onChange(avatar, () => dirtyAvatars.add(avatar)),
        cb.listen(
          avatar,
          'coarse',
          (coarse) => {
            offCoarse?.();
            offCoarse = coarse ? cb.onChange(coarse, () => dirtyAvatars.add(avatar)) : undefined;
          },
          true,
        ),
      ];
      avatarOffs.set(avatar.sessionId, () => {
        for (const off of offs) off();
        offCoarse?.();
      });
      emitAvatar(avatar);
    }),
    cb.onRemove('avatars', (avatar, key) => {
      avatarOffs.get(key)?.();
      avatarOffs.delete(key);
      dirtyAvatars.delete(avatar);
      if (avatars.delete(key)) ch.avatarRemove.emit(key);
    }),
    cb.onAdd('objects', (object) => {
      objectOffs.set(
        object.id,
        cb.onChange(object, () => dirtyObjects.add(object)),
      );
      emitObject(object);
    }),
    cb.onRemove('objects', (object, key) => {
      objectOffs.get(key)?.();
      objectOffs.delete(key);
      dirtyObjects.delete(object);
      held.delete(key);
      if (objects.delete(key)) ch.objectRemove.emit(key);
    }),
    cb.onAdd('anchors', (anchor) => {
      const snap = anchorSnapshot(anchor);
      anchors.set(snap.id, snap);
      ch.anchorAdd.emit(snap);
      // a device handle bound later (anchorHandle) re-announces the anchor with it
      cb.listen(anchor, 'xrAnchorId', (value: string) => {
        const known = anchors.get(anchor.id);
        if (!known || known.xrHandle === (value || null)) return;
        const next = anchorSnapshot(anchor);
        anchors.set(next.id, next);
        ch.anchorAdd.emit(next);
      });
      // objects placed relative to this anchor now resolve to room space
      state().objects.forEach((o) => o.anchorId === anchor.id && dirtyObjects.add(o));
    }),
    cb.onRemove('anchors', (_anchor: Anchor, key) => {
      if (anchors.delete(key)) ch.anchorRemove.emit(key);
    }),
  );
  // one snapshot per changed entity per patch, after the whole patch is decoded
  const flush = () => {
    for (const a of dirtyAvatars) emitAvatar(a);
    dirtyAvatars.clear();
    for (const o of dirtyObjects) emitObject(o);
    dirtyObjects.clear();
  };
  room.onStateChange(flush);
  detach.push(() => room.onStateChange.remove(flush));

  detach.push(
    room.onMessage(SPATIAL_SERVER.grab, (m: GrabReply) => {
      if (m.rid === undefined) return;
      const answered = requests.resolve(
        'grab',
        m.rid,
        m.granted
          ? { ok: true, value: undefined }
          : { ok: false, reason: 'locked', message: 'Another participant is holding this object.' },
      );
      if (answered && m.granted) held.add(m.objectId);
    }),
    // sent after the patch that adds the anchor or object: the feed already shows it
    room.onMessage(SPATIAL_SERVER.placed, (m: PlacedReply) => {
      if (!requests.resolve('placeObject', m.rid, { ok: true, value: { objectId: m.id } })) {
        requests.resolve('placeAnchor', m.rid, { ok: true, value: { anchorId: m.id } });
      }
    }),
    room.onMessage(SPATIAL_SERVER.error, (e: RealtimeErrorMessage) => {
      const refusal = { ok: false, reason: refusalOf(e.code), message: e.message } as const;
      if (e.rid !== undefined && requests.reject(e.rid, refusal)) return;
      if (e.type === 'grab' && e.code === 'lock_held') return; // answered by the grab reply
      if (e.type !== undefined && VOICE_TYPES.has(e.type)) return ch.voiceRefusal.emit(e);
      ch.refusal.emit(e);
    }),
    room.onMessage(SPATIAL_SERVER.db, (event: DbEventMessage) => ch.db.emit(event)),
    room.onMessage(SPATIAL_SERVER.saved, () => undefined),
  );

  room.onDrop((code, reason) => {
    requests.settleAll(offline);
    status.setState({ status: 'reconnecting', reason: reason || `connection lost (${code})` });
  });
  room.onReconnect(() => {
    status.setState({ status: 'connected', reason: null });
    // a change made while the connection was down reaches the room now
    if (sentMode) room.send('mode', sentMode);
  });
  room.onLeave((code, reason) => {
    requests.settleAll(offline);
    for (const off of detach) off();
    status.setState({ status: 'closed', reason: reason || `left the room (${code})`, code });
  });

  const connected = () => status.getState().status === 'connected';
  let lastPoseAt = -Infinity;
  const lastMoveAt = new Map<string, number>();
  const trailing = new Map<string, { pose: Pose; timer: ReturnType<typeof setTimeout> }>();
  const sendMove = (objectId: string, pose: Pose) => {
    lastMoveAt.set(objectId, performance.now());
    room.send('move', { objectId, p: vec3(pose), q: unitQuat(pose.qx, pose.qy, pose.qz, pose.qw) });
  };

  const feed: ColyseusRoomFeed = {
    selfId,
    room,
    status,
    onAvatarAdd: (fn) => ch.avatarAdd.replay(avatars.values(), fn),
    onAvatarChange: (fn) => ch.avatarChange.on(fn),
    onAvatarRemove: (fn) => ch.avatarRemove.on(fn),
    onObjectAdd: (fn) => ch.objectAdd.replay(objects.values(), fn),
    onObjectChange: (fn) => ch.objectChange.on(fn),
    onObjectRemove: (fn) => ch.objectRemove.on(fn),
    onAnchorAdd: (fn) => ch.anchorAdd.replay(anchors.values(), fn),
    onAnchorRemove: (fn) => ch.anchorRemove.on(fn),
    onRefusal: (fn) => ch.refusal.on(fn),
    onDbEvent: (fn) => ch.db.on(fn),
    voice: createVoiceSignal(room, ch.voiceRefusal),

    sendPose(head, left, right, joints) {
      const now = performance.now();
      if (!connected() || now - lastPoseAt < 1000 / POSE_HZ - POSE_SLACK_MS) return;
      lastPoseAt = now;
      room.send('pose', {
        h: partPose(head),
        l: partPose(left),
        r: partPose(right),
        ...(joints ? { j: joints.slice() } : {}),
      });
    },

    setMode(mode, handTracking) {
      const next = { mode, handTracking: handTracking && (mode === 'vr' || mode === 'ar') };
      sentMode = next;
      if (connected()) room.send('mode', next);
    },

    grab(objectId) {
      if (!connected()) return Promise.resolve(offline);
      if (!objects.has(objectId)) {
        return Promise.resolve({ ok: false, reason: 'not-found', message: 'This object is no longer here.' });
      }
      if (held.has(objectId)) return Promise.resolve({ ok: true, value: undefined });
      return requests.request('grab', (rid) => room.send('grab', { objectId, rid }), {
        key: `grab:${objectId}`,
        superseded: { ok: false, reason: 'invalid', message: 'Superseded by a new grab.' },
      });
    },

    move(objectId, pose) {
      if (!connected() || !held.has(objectId)) return;
      const since = performance.now() - (lastMoveAt.get(objectId) ?? -Infinity);
      const interval = 1000 / MOVE_HZ;
      if (since >= interval) return sendMove(objectId, pose);
      // keep the latest pose and send it when the slot opens, so the last move is never lost
      const pending = trailing.get(objectId);
      const copy = { ...pose };
      if (pending) {
        pending.pose = copy;
        return;
      }
      const timer = setTimeout(() => {
        const t = trailing.get(objectId);
        trailing.delete(objectId);
        if (t && held.has(objectId) && connected()) sendMove(objectId, t.pose);
      }, interval - since);
      trailing.set(objectId, { pose: copy, timer });
    },

    release(objectId, pose) {
      const pending = trailing.get(objectId);
      if (pending) clearTimeout(pending.timer);
      trailing.delete(objectId);
      if (!connected() || !held.has(objectId)) return;
      sendMove(objectId, pose);
      room.send('release', { objectId });
      held.delete(objectId);
    },

    placeAnchor(objectId, pose) {
      if (!connected()) return Promise.resolve(offline);
      const object = objects.get(objectId);
      if (!object) {
        return Promise.resolve({ ok: false, reason: 'not-found', message: 'This object is no longer here.' });
      }
      if (object.heldBy && object.heldBy !== selfId) {
        return Promise.resolve({
          ok: false,
          reason: 'locked',
          message: 'Another participant is holding this object.',
        });
      }
      const label = anchorLabelFor(objectId);
      const send = (rid: number) =>
        room.send('placeAnchor', {
          label,
          p: vec3(pose),
          q: unitQuat(pose.qx, pose.qy, pose.qz, pose.qw),
          rid,
        });
      return requests.request('placeAnchor', send, {
        key: `anchor:${label}`,
        superseded: { ok: false, reason: 'invalid', message: 'Superseded.' },
      });
    },

    bindAnchorHandle(anchorId, handle) {
      if (!connected()) return;
      room.send('anchorHandle', { anchorId, xrAnchorId: handle });
    },

    placeObject(kind, pose, extra = {}) {
      if (!connected()) return Promise.resolve(offline);
      const scale = extra.scale ?? 1;
      return requests.request('placeObject', (rid) =>
        room.send('placeObject', {
          kind,
          ...(extra.refId ? { refId: extra.refId } : {}),
          p: vec3(pose),
          q: unitQuat(pose.qx, pose.qy, pose.qz, pose.qw),
          s: [scale, scale, scale],
          ...(extra.data ? { data: extra.data } : {}),
          rid,
        }),
      );
    },

    async leave() {
      for (const t of trailing.values()) clearTimeout(t.timer);
      trailing.clear();
      // closed by the server, or dropped and retrying: a consented leave would write to a dead socket
      if (status.getState().status !== 'closed' && room.connection.isOpen) await room.leave(true);
    },
  };
  return feed;
}
