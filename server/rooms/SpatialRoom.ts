import { ErrorCode, matchMaker, Room, ServerError, type Client } from '@colyseus/core';
import { COARSE_POSE_HZ, CHAT_HISTORY, POSE_HZ, ROOM_HALF_EXTENT_M } from '../../shared/protocol/limits.ts';
import { canEdit, canModerate, canSpeak } from '../../shared/protocol/roomRules.ts';
import {
  HAND_TRACKING_MODES,
  REALTIME_ERRORS,
  ROOM_CLOSE,
  SPATIAL_SERVER,
  SpatialJoinOptions,
  spatialClientSchemas,
  type GrabReply,
  type PlaceKind,
  type PlacedReply,
  type SpatialClientType,
} from '../../shared/protocol/spatialProtocol.ts';
import {
  Anchor,
  Avatar,
  ChatLine,
  POSE_KEYS,
  SpatialObject,
  SpatialState,
} from '../../shared/schema/SpatialState.ts';
import type { Admission } from '../realtime/roomAccess.ts';
import { isPlainPose } from '../../shared/protocol/poseCheck.ts';
import { registerGuardedMessages, sendError } from '../realtime/guardedMessages.ts';
import { realtimeDeps, type RealtimeDeps } from '../realtime/realtimeContext.ts';
import { authenticateJoin, RoomSeats, type RoomAuth } from '../realtime/RoomSeats.ts';
import { CellInterest } from '../realtime/CellInterest.ts';
import { GrabLocks } from '../realtime/GrabLocks.ts';
import { WriteBehind } from '../realtime/WriteBehind.ts';
import { RoomVoice } from '../voice/RoomVoice.ts';
import type { z } from 'zod';

type Msg<K extends SpatialClientType> = z.output<(typeof spatialClientSchemas)[K]>;
type PartPose = readonly [number, number, number, number, number, number, number];

/** Patches per coarse-pose / view refresh of each avatar: POSE_HZ / COARSE_POSE_HZ. */
const SLICES = Math.max(1, Math.round(POSE_HZ / COARSE_POSE_HZ));

/** Close code a kicked client receives. */
export const KICKED_CLOSE_CODE = ROOM_CLOSE.kicked;

/**
 * The room id of a dataspace's spatial room, or of one of its places (a thread or a workspace
 * entered as a room): one room per dataspace and per place, cluster-wide.
 */
export function spatialRoomId(dataspaceId: string, place?: { kind: PlaceKind; id: string }): string {
  return place ? `ds-${dataspaceId}-${place.kind}-${place.id}` : `ds-${dataspaceId}`;
}

/**
 * A spatial room per dataspace: avatars (head + hands, quantised), anchors and objects placed in
 * space with server-granted grab locks (renewed by moves, never held past GRAB_MAX_HOLD_MS), text
 * chat, moderation, at most MAX_ROOM_OBJECTS objects and MAX_ROOM_ANCHORS anchors. Identity comes
 * from the token, never from payloads; the database decides who sits here and as what, about this
 * room's own dataspace (RoomSeats), at the door and for as long as the seat lasts.
 */
export class SpatialRoom extends Room<{ state: SpatialState }> {
  override state = new SpatialState();
  override patchRate = 1000 / POSE_HZ;
  // a hard ceiling that disconnects; the per-type rate limits below refuse long before it
  override maxMessagesPerSecond = 400;

  private deps!: RealtimeDeps;
  private ownerIdentityId = '';
  private xrRoomId = '';
  private locks!: GrabLocks;
  private seats!: RoomSeats;
  /** Who gets whose full-rate pose: per-client views or shared cell views, by the room's occupancy. */
  private interest!: CellInterest;
  /** The avatars whose coarse pose and interest cell this patch refreshes (reused). */
  private readonly slice: Avatar[] = [];
  private readonly banned = new Set<string>();
  /** Who placed each anchor (spatial_anchors.created_by_identity_id): only they bind it to a device. */
  private readonly anchorPlacers = new Map<string, string>();
  /** Identities a moderator muted: a mute outlives leaving and rejoining the room. */
  private readonly mutedIdentities = new Set<string>();
  private voice!: RoomVoice;
  /** Sessions that sent a pose: only their avatar's place is worth keeping when they leave. */
  private readonly posed = new Set<string>();
  private writeBehind!: WriteBehind;
  private guard!: { forget(sessionId: string): void };
  private unsubscribe: (() => void)[] = [];
  private patchTick = 0;

  static override onAuth(token: string, options: unknown): Promise<RoomAuth> {
    return authenticateJoin(
      'dataspace',
      token,
      () => {
        // a place is entered through the `place` room: here it would land in the dataspace's room
        if (typeof options === 'object' && options !== null && 'place' in options) {
          throw new Error('a thread or workspace room is joined as `place`');
        }
        return SpatialJoinOptions.parse(options).dataspaceId;
      },
      '{ dataspaceId: uuid }; a thread or workspace is joined as the `place` room',
    );
  }

  /** The place this room stands for: none for the dataspace's room (PlaceRoom names one). */
  protected placeOf(options: unknown): { kind: PlaceKind; id: string } | undefined {
    void options;
    return undefined;
  }

  override async onCreate(options: unknown): Promise<void> {
    this.deps = realtimeDeps();
    this.interest = new CellInterest((sessionId) => this.clients.get(sessionId), this.deps.timings.interest);
    const { dataspaceId } = SpatialJoinOptions.parse(options);
    const place = this.placeOf(options);
    this.roomId = spatialRoomId(dataspaceId, place);
    // a full or locked room is not listed as available: refuse instead of creating a twin
    if ((await matchMaker.query({ roomId: this.roomId })).length > 0) {
      throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'realtime: this room is full');
    }
    // the place must be one of THIS dataspace's threads or workspaces (service read: admission,
    // the dataspace's, is asked as each joining identity by RoomSeats)
    const [owner] = await this.deps.db.withService(
      (tx) => tx<{ identity_id: string; name: string }[]>`
        select d.identity_id, case ${place?.kind ?? 'dataspace'}
          when 'thread' then (select t.title from public.threads t
                              where t.id = ${place?.id ?? null}::uuid and t.dataspace_id = d.id)
          when 'workspace' then (select w.name from public.workspaces w
                                 where w.id = ${place?.id ?? null}::uuid and w.dataspace_id = d.id)
          else d.name end as name
        from public.dataspaces d where d.id = ${dataspaceId}`,
    );
    if (!owner) throw new ServerError(ErrorCode.MATCHMAKE_INVALID_CRITERIA, 'realtime: no such dataspace');
    if (owner.name === null) {
      throw new ServerError(
        ErrorCode.MATCHMAKE_INVALID_CRITERIA,
        `realtime: no such ${place?.kind ?? 'place'} in this dataspace`,
      );
    }
    this.ownerIdentityId = owner.identity_id;
    const row = await this.deps.store.ensureRoom(this.ownerIdentityId, dataspaceId, owner.name, place);
    this.xrRoomId = row.id;
    this.state.dataspaceId = dataspaceId;
    this.state.place = place ? `${place.kind}:${place.id}` : '';
    this.state.name = owner.name;
    this.state.capacity = row.capacity;
    this.state.locked = row.locked;
    this.maxClients = this.state.capacity;
    this.seats = new RoomSeats(this, this.deps, 'dataspace', dataspaceId, {
      door: (admission) => this.door(admission),
      roleChanged: (sessionId, role, access) => {
        const avatar = this.state.avatars.get(sessionId);
        if (!avatar) return;
        avatar.role = role;
        avatar.access = access;
        // a spectator neither speaks nor holds objects
        if (role === 'viewer') {
          avatar.speaking = false;
          this.state.objects.forEach((object) => {
            if (object.lockedBy === sessionId) this.locks.free(object);
          });
        }
        // the SFU applies the new role at once: a viewer's voice is no longer forwarded
        void this.voice.policy(sessionId);
      },
    });
    this.voice = new RoomVoice(this, this.deps.voice, dataspaceId, {
      seat: (sessionId) => {
        const a = this.state.avatars.get(sessionId);
        return a && { identityId: a.identityId, role: a.role, muted: a.muted, position: [a.hx, a.hy, a.hz] };
      },
      setSpeaking: (sessionId, speaking) => {
        const avatar = this.state.avatars.get(sessionId);
        if (avatar) avatar.speaking = speaking && !avatar.muted;
      },
      send: (sessionId, message) => this.clients.get(sessionId)?.send(SPATIAL_SERVER.voice, message),
      refuse: (sessionId, code, message, type) => {
        const client = this.clients.get(sessionId);
        if (client) sendError(client, code, message, type);
      },
      log: this.deps.log,
    });
    await this.voice.start();
    await this.restore();

    const { poseRate, actionRate } = this.deps.timings;
    this.maxMessagesPerSecond = Math.max(this.maxMessagesPerSecond, 2 * (poseRate.burst + actionRate.burst));
    this.writeBehind = new WriteBehind(this, this.deps, this.ownerIdentityId, this.xrRoomId);
    this.locks = new GrabLocks(this, this.deps.timings, (object, holder) => {
      const client = this.clients.get(holder);
      const seconds = Math.ceil(this.deps.timings.grabRetakeCooldownMs / 1000);
      if (client) {
        sendError(
          client,
          REALTIME_ERRORS.lockExpired,
          `held for the longest hold allowed; released so others can take it (grab it again in ${seconds} s)`,
          'move',
        );
      }
    });
    this.guard = registerGuardedMessages(
      this,
      spatialClientSchemas,
      new Set(['pose']),
      this.deps.timings,
      (client, type, msg) => this.dispatch(client, type, msg),
      { pose: isPlainPose },
    );
    this.unsubscribe.push(
      this.deps.bridge.subscribe(`dataspace:${dataspaceId}`, (event) =>
        this.broadcast(SPATIAL_SERVER.db, event),
      ),
    );
    this.deps.log('room.created', {
      room: 'spatial',
      roomId: this.roomId,
      dataspaceId,
      place: this.state.place,
    });
  }

  override async onJoin(client: Client, options: unknown): Promise<void> {
    const seat = await this.seats.admit(client);
    const parsed = SpatialJoinOptions.safeParse(options);
    const avatar = new Avatar();
    avatar.sessionId = client.sessionId;
    avatar.identityId = seat.identityId;
    avatar.displayName = seat.displayName;
    avatar.color = seat.color;
    avatar.role = seat.role;
    avatar.access = seat.access;
    avatar.mode = (parsed.success && parsed.data.mode) || 'desktop';
    avatar.muted = this.mutedIdentities.has(seat.identityId);
    // the identity's avatar as kept: its model, and where it stood when it last left this room
    const look = await this.deps.store.loadAvatar(seat.identityId, this.xrRoomId);
    avatar.model = look.model;
    if (look.pose) restorePose(avatar, look.pose.p, look.pose.q);
    this.state.avatars.set(client.sessionId, avatar);
    this.interest.join(client, avatar);
    this.deps.log('room.join', {
      roomId: this.roomId,
      sessionId: client.sessionId,
      identityId: seat.identityId,
    });
  }

  /** This instance's door, after the database admitted the identity: bans, then the host's lock. */
  private door(admission: Admission): string | null {
    if (this.banned.has(admission.identityId)) return 'realtime: you were removed from this room';
    if (this.state.locked && !canModerate(admission.role)) return 'realtime: the room is locked by its host';
    return null;
  }

  override onDrop(client: Client): void {
    // the voice session ends with the connection: a returning client joins the voice again
    this.voice.leave(client.sessionId, 'the room connection dropped');
    // a kicked or evicted client is not dropped but removed: no reconnection window
    if (this.banned.has((client.auth as RoomAuth).claims.identity_id)) return;
    if (!this.seats.holdForReconnection(client, this.deps.timings.reconnectSeconds)) return;
    const avatar = this.state.avatars.get(client.sessionId);
    if (avatar) avatar.connected = false;
    // locks survive the window: their idle timeouts pause until the holder is back
    this.state.objects.forEach((object) => {
      if (object.lockedBy === client.sessionId) this.locks.pause(object);
    });
    this.deps.log('room.drop', { roomId: this.roomId, sessionId: client.sessionId });
  }

  /** Colyseus calls onLeave once the window closes; a returning client is asked again first. */
  override async onReconnect(client: Client): Promise<void> {
    await this.seats.readmit(client);
    const avatar = this.state.avatars.get(client.sessionId);
    if (avatar) avatar.connected = true;
    this.state.objects.forEach((object) => {
      if (object.lockedBy === client.sessionId) this.locks.arm(object);
    });
    this.deps.log('room.reconnect', { roomId: this.roomId, sessionId: client.sessionId });
  }

  override async onLeave(client: Client): Promise<void> {
    this.voice.leave(client.sessionId, 'you left the room');
    this.state.objects.forEach((object) => {
      if (object.lockedBy === client.sessionId) this.locks.free(object);
    });
    const avatar = this.state.avatars.get(client.sessionId);
    this.interest.leave(client.sessionId, avatar);
    this.state.avatars.delete(client.sessionId);
    const posed = this.posed.delete(client.sessionId);
    this.guard.forget(client.sessionId);
    this.seats.release(client.sessionId);
    this.deps.log('room.leave', { roomId: this.roomId, sessionId: client.sessionId });
    if (avatar && posed) await this.keepPose(avatar);
  }

  /** Keeps where the avatar's head stood, for its next join of this room (xr_avatars.room_poses). */
  private async keepPose(avatar: Avatar): Promise<void> {
    try {
      await this.deps.store.saveAvatarPose(
        avatar.identityId,
        this.xrRoomId,
        [avatar.hx, avatar.hy, avatar.hz],
        [avatar.hqx, avatar.hqy, avatar.hqz, avatar.hqw],
      );
    } catch (error) {
      this.deps.log('room.avatar_pose_not_saved', {
        roomId: this.roomId,
        identityId: avatar.identityId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  override async onDispose(): Promise<void> {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.seats?.dispose();
    await this.voice?.dispose();
    await this.writeBehind?.flush();
    this.deps?.log('room.disposed', { room: 'spatial', roomId: this.roomId });
  }

  override onUncaughtException(error: Error, methodName: string): void {
    this.deps?.log('room.uncaught_error', { roomId: this.roomId, method: methodName, error: error.message });
  }

  private async restore(): Promise<void> {
    const { anchors, objects } = await this.deps.store.load(this.xrRoomId);
    for (const a of anchors) {
      const anchor = new Anchor();
      anchor.id = a.id;
      anchor.label = a.label;
      [anchor.px, anchor.py, anchor.pz] = a.position as [number, number, number];
      [anchor.qx, anchor.qy, anchor.qz, anchor.qw] = a.orientation as [number, number, number, number];
      anchor.xrAnchorId = a.xrAnchorId ?? '';
      this.state.anchors.set(a.id, anchor);
      if (a.createdBy) this.anchorPlacers.set(a.id, a.createdBy);
    }
    for (const o of objects) {
      const object = new SpatialObject();
      object.id = o.id;
      object.kind = o.kind as SpatialObject['kind'];
      object.refId = o.refId ?? '';
      object.anchorId = o.anchorId ?? '';
      [object.px, object.py, object.pz] = o.position as [number, number, number];
      [object.qx, object.qy, object.qz, object.qw] = o.orientation as [number, number, number, number];
      [object.sx, object.sy, object.sz] = o.scale as [number, number, number];
      object.data = JSON.stringify(o.data);
      object.version = o.version;
      this.state.objects.set(o.id, object);
    }
  }

  private dispatch(client: Client, type: SpatialClientType, msg: unknown): void {
    const avatar = this.state.avatars.get(client.sessionId);
    if (!avatar) return;
    switch (type) {
      case 'pose':
        return this.onPose(avatar, msg as Msg<'pose'>);
      case 'mode':
        return this.onMode(client, avatar, msg as Msg<'mode'>);
      case 'look':
        return void this.onLook(client, avatar, msg as Msg<'look'>);
      case 'voiceJoin':
      case 'voiceAnswer':
      case 'voiceCandidate':
      case 'voiceLeave':
        return void this.voice.handle(client.sessionId, type, msg);
      case 'chat':
        if (!canSpeak(avatar.role)) {
          return sendError(
            client,
            REALTIME_ERRORS.forbidden,
            'a viewer watches: it does not post here',
            type,
          );
        }
        return this.onChat(client, avatar, msg as Msg<'chat'>);
      case 'grab':
      case 'move':
      case 'release':
      case 'placeAnchor':
      case 'anchorHandle':
      case 'placeObject':
      case 'removeObject':
        if (!canEdit(avatar.role)) {
          return sendError(
            client,
            REALTIME_ERRORS.forbidden,
            `a ${avatar.role} cannot ${type}`,
            type,
            (msg as { rid?: number }).rid,
          );
        }
        return this.onEdit(client, avatar, type, msg);
      case 'kick':
      case 'mute':
      case 'muteAll':
      case 'lockRoom':
      case 'setRole':
        return this.onModerate(client, avatar, type, msg);
      default:
        return assertNever(type);
    }
  }

  private onMode(client: Client, avatar: Avatar, msg: Msg<'mode'>): void {
    const handTracking = msg.handTracking ?? false;
    if (handTracking && !HAND_TRACKING_MODES.includes(msg.mode)) {
      return sendError(
        client,
        REALTIME_ERRORS.invalidMessage,
        `'mode': hands are tracked in ${HAND_TRACKING_MODES.join(' or ')} only, not in ${msg.mode}`,
        'mode',
      );
    }
    avatar.mode = msg.mode;
    avatar.handTracking = handTracking;
  }

  /** A new look for the sender's own avatar: shown at once, kept for the identity once stored. */
  private async onLook(client: Client, avatar: Avatar, msg: Msg<'look'>): Promise<void> {
    try {
      await this.deps.store.saveAvatarLook(avatar.identityId, msg.color.toLowerCase(), msg.model);
    } catch (error) {
      this.deps.log('room.avatar_look_not_saved', {
        roomId: this.roomId,
        identityId: avatar.identityId,
        error: error instanceof Error ? error.message : String(error),
      });
      return sendError(
        client,
        REALTIME_ERRORS.invalidMessage,
        "'look': could not be kept; try again",
        'look',
      );
    }
    // the avatar may have left while the write ran
    if (this.state.avatars.get(client.sessionId) !== avatar) return;
    avatar.color = msg.color.toLowerCase();
    avatar.model = msg.model;
  }

  private onPose(avatar: Avatar, msg: Msg<'pose'>): void {
    this.posed.add(avatar.sessionId);
    writePose(avatar, msg.h, msg.l, msg.r);
    if (msg.t !== undefined) avatar.echo = msg.t;
    if (msg.j !== undefined) avatar.joints = Buffer.from(Int16Array.from(msg.j).buffer).toString('base64');
  }

  private onChat(client: Client, avatar: Avatar, msg: Msg<'chat'>): void {
    if (avatar.muted) return sendError(client, REALTIME_ERRORS.forbidden, 'you are muted', 'chat');
    const line = new ChatLine();
    line.identityId = avatar.identityId;
    line.displayName = avatar.displayName;
    line.text = msg.text;
    line.at = Date.now();
    this.state.chat.push(line);
    while (this.state.chat.length > CHAT_HISTORY) this.state.chat.shift();
  }

  /**
   * Binds an anchor to a device's persistent WebXR anchor. A handle only means something on the device
   * that made it, so only the anchor's placer sets it (a host or moderator may clear or replace it);
   * another editor would otherwise take the anchor away from the placer's device.
   */
  private onAnchorHandle(client: Client, avatar: Avatar, msg: Msg<'anchorHandle'>): void {
    const anchor = this.state.anchors.get(msg.anchorId);
    if (!anchor)
      return sendError(client, REALTIME_ERRORS.notFound, 'no such anchor in this room', 'anchorHandle');
    const placer = this.anchorPlacers.get(msg.anchorId);
    if (placer !== avatar.identityId && !canModerate(avatar.role)) {
      return sendError(
        client,
        REALTIME_ERRORS.forbidden,
        'only the person who placed this anchor (or a host) binds it to a device',
        'anchorHandle',
      );
    }
    anchor.xrAnchorId = msg.xrAnchorId ?? '';
    this.writeBehind.anchorChanged(anchor.id, placer ?? null);
  }

  /**
   * Object and anchor edits. A grab, placeAnchor or placeObject carrying a request id (`rid`) gets it
   * back in its reply (`grab`, `placed`) or in the error refusing it.
   */
  private onEdit(client: Client, avatar: Avatar, type: SpatialClientType, msg: unknown): void {
    const { rid } = msg as { rid?: number };
    if (type === 'placeAnchor') {
      const m = msg as Msg<'placeAnchor'>;
      const { anchors } = this.deps.timings.roomCaps;
      if (this.state.anchors.size >= anchors) {
        return sendError(
          client,
          REALTIME_ERRORS.roomCapReached,
          `this room holds its maximum of ${anchors} anchors; place objects on the existing ones`,
          type,
          rid,
        );
      }
      const anchor = new Anchor();
      anchor.id = crypto.randomUUID();
      anchor.label = m.label;
      [anchor.px, anchor.py, anchor.pz] = m.p;
      [anchor.qx, anchor.qy, anchor.qz, anchor.qw] = normalize(m.q);
      anchor.xrAnchorId = m.xrAnchorId ?? '';
      this.state.anchors.set(anchor.id, anchor);
      this.anchorPlacers.set(anchor.id, avatar.identityId);
      this.writeBehind.anchorChanged(anchor.id, avatar.identityId);
      return this.replyPlaced(client, rid, anchor.id);
    }
    if (type === 'anchorHandle') return this.onAnchorHandle(client, avatar, msg as Msg<'anchorHandle'>);
    if (type === 'placeObject') {
      const m = msg as Msg<'placeObject'>;
      if (m.anchorId && !this.state.anchors.has(m.anchorId)) {
        return sendError(client, REALTIME_ERRORS.notFound, 'no such anchor in this room', type, rid);
      }
      const { objects } = this.deps.timings.roomCaps;
      if (this.state.objects.size >= objects) {
        return sendError(
          client,
          REALTIME_ERRORS.roomCapReached,
          `this room holds its maximum of ${objects} objects; remove one before placing another`,
          type,
          rid,
        );
      }
      const object = new SpatialObject();
      object.id = crypto.randomUUID();
      object.kind = m.kind;
      object.refId = m.refId ?? '';
      object.anchorId = m.anchorId ?? '';
      [object.px, object.py, object.pz] = m.p;
      [object.qx, object.qy, object.qz, object.qw] = normalize(m.q);
      [object.sx, object.sy, object.sz] = m.s;
      object.data = JSON.stringify(m.data ?? {});
      this.state.objects.set(object.id, object);
      this.writeBehind.objectChanged(object.id);
      return this.replyPlaced(client, rid, object.id);
    }
    const { objectId } = msg as { objectId: string };
    const object = this.state.objects.get(objectId);
    if (!object) return sendError(client, REALTIME_ERRORS.notFound, 'no such object in this room', type, rid);
    const refusal = this.locks.refusal(object, client.sessionId);
    if (refusal) {
      if (type === 'grab') {
        const reply: GrabReply = { objectId, granted: false, holder: object.lockedBy };
        if (rid !== undefined) reply.rid = rid;
        client.send(SPATIAL_SERVER.grab, reply);
      }
      return refusal === 'held'
        ? sendError(client, REALTIME_ERRORS.lockHeld, 'another participant holds this object', type, rid)
        : sendError(
            client,
            REALTIME_ERRORS.lockExpired,
            'you held this object too long; others first',
            type,
            rid,
          );
    }
    switch (type) {
      case 'grab': {
        this.locks.grab(object, client.sessionId);
        const reply: GrabReply = { objectId, granted: true };
        if (rid !== undefined) reply.rid = rid;
        client.send(SPATIAL_SERVER.grab, reply);
        return;
      }
      case 'move': {
        if (object.lockedBy !== client.sessionId) {
          return sendError(client, REALTIME_ERRORS.forbidden, 'grab the object before moving it', type);
        }
        const m = msg as Msg<'move'>;
        [object.px, object.py, object.pz] = m.p;
        [object.qx, object.qy, object.qz, object.qw] = normalize(m.q);
        if (m.s) [object.sx, object.sy, object.sz] = m.s;
        object.version += 1;
        this.locks.renew(object);
        this.writeBehind.objectChanged(object.id);
        return;
      }
      case 'release':
        if (object.lockedBy === client.sessionId) this.locks.free(object);
        return;
      case 'removeObject':
        this.locks.free(object);
        this.locks.forget(objectId);
        this.state.objects.delete(objectId);
        this.writeBehind.objectRemoved(objectId);
        return;
    }
  }

  /**
   * Tells the placer the new anchor's or object's id, when it asked with a request id: right after
   * the patch that carries it, so the client's state holds what the reply names.
   */
  private replyPlaced(client: Client, rid: number | undefined, id: string): void {
    if (rid === undefined) return;
    const reply: PlacedReply = { rid, id };
    client.send(SPATIAL_SERVER.placed, reply, { afterNextPatch: true });
  }

  private onModerate(client: Client, avatar: Avatar, type: SpatialClientType, msg: unknown): void {
    const allowed = type === 'setRole' ? avatar.role === 'host' : canModerate(avatar.role);
    if (!allowed)
      return sendError(client, REALTIME_ERRORS.forbidden, `a ${avatar.role} cannot ${type}`, type);
    if (type === 'lockRoom') {
      this.state.locked = (msg as Msg<'lockRoom'>).locked;
      return;
    }
    if (type === 'muteAll') {
      const { muted } = msg as Msg<'muteAll'>;
      this.state.avatars.forEach((target) => {
        if (!canModerate(target.role)) this.setMuted(target, muted);
      });
      return;
    }
    const { sessionId } = msg as { sessionId: string };
    const target = this.state.avatars.get(sessionId);
    if (!target) return sendError(client, REALTIME_ERRORS.notFound, 'no such participant', type);
    if (target.role === 'host' && sessionId !== client.sessionId) {
      return sendError(client, REALTIME_ERRORS.forbidden, 'the host cannot be moderated', type);
    }
    if (type === 'mute') {
      this.setMuted(target, (msg as Msg<'mute'>).muted);
    } else if (type === 'setRole') {
      target.role = (msg as Msg<'setRole'>).role;
      void this.voice.policy(sessionId);
    } else if (type === 'kick') {
      this.banned.add(target.identityId);
      this.voice.leave(sessionId, 'removed by a moderator');
      this.kickClient(sessionId, KICKED_CLOSE_CODE, 'removed by a moderator');
    }
  }

  /**
   * A moderator's mute, of every session of the target's identity and of its later joins, applied at
   * the SFU at once (the muted client has no message that lifts it).
   */
  private setMuted(target: Avatar, muted: boolean): void {
    if (muted) this.mutedIdentities.add(target.identityId);
    else this.mutedIdentities.delete(target.identityId);
    this.state.avatars.forEach((avatar, sessionId) => {
      if (avatar.identityId !== target.identityId) return;
      avatar.muted = muted;
      if (muted) avatar.speaking = false;
      void this.voice.policy(sessionId);
    });
  }

  /**
   * Spread over patches: each patch refreshes the coarse pose and the interest cell of one slice of
   * the avatars (1 / SLICES), so every avatar gets both at COARSE_POSE_HZ and no patch pays for all.
   */
  override onBeforePatch(): void {
    const slice = this.patchTick++ % SLICES;
    if (slice === 0) this.voice?.pushPositions();
    let i = 0;
    this.slice.length = 0;
    this.state.avatars.forEach((avatar) => {
      if (i++ % SLICES !== slice) return;
      const { coarse } = avatar;
      // both hold snapped values: an equal one would be refused by the setter after re-quantizing it
      for (const key of POSE_KEYS) if (coarse[key] !== avatar[key]) coarse[key] = avatar[key];
      this.slice.push(avatar);
    });
    const mode = this.interest.mode;
    this.interest.update(this.slice);
    if (this.interest.mode !== mode) {
      this.deps.log('room.interest', {
        roomId: this.roomId,
        mode: this.interest.mode,
        clients: this.clients.length,
      });
    }
  }
}

/**
 * Writes a pose's three parts, each quaternion made unit (as `normalize`), without allocating: this
 * runs for every pose message (POSE_HZ per client).
 */
function writePose(pose: Avatar, h: PartPose, l: PartPose, r: PartPose): void {
  pose.hx = h[0];
  pose.hy = h[1];
  pose.hz = h[2];
  const hn = unitNorm(h);
  pose.hqx = hn ? h[3] / hn : 0;
  pose.hqy = hn ? h[4] / hn : 0;
  pose.hqz = hn ? h[5] / hn : 0;
  pose.hqw = hn ? h[6] / hn : 1;
  pose.lx = l[0];
  pose.ly = l[1];
  pose.lz = l[2];
  const ln = unitNorm(l);
  pose.lqx = ln ? l[3] / ln : 0;
  pose.lqy = ln ? l[4] / ln : 0;
  pose.lqz = ln ? l[5] / ln : 0;
  pose.lqw = ln ? l[6] / ln : 1;
  pose.rx = r[0];
  pose.ry = r[1];
  pose.rz = r[2];
  const rn = unitNorm(r);
  pose.rqx = rn ? r[3] / rn : 0;
  pose.rqy = rn ? r[4] / rn : 0;
  pose.rqz = rn ? r[5] / rn : 0;
  pose.rqw = rn ? r[6] / rn : 1;
}

/** The norm of a part's quaternion, or 0 when it is too small to divide by (`normalize` makes it the identity). */
function unitNorm(p: PartPose): number {
  const n = Math.hypot(p[3], p[4], p[5], p[6]);
  return n < 1e-6 ? 0 : n;
}

/**
 * Puts a returning avatar where its head last stood in this room, hands resting beside the body
 * until its first pose; the coarse copy too, so every viewer sees it there from the first patch.
 */
function restorePose(avatar: Avatar, p: readonly number[], q: readonly number[]): void {
  const clamp = (v: number) => Math.min(ROOM_HALF_EXTENT_M, Math.max(-ROOM_HALF_EXTENT_M, v));
  const [x, y, z] = [clamp(p[0]!), clamp(p[1]!), clamp(p[2]!)];
  const hq = normalize([q[0]!, q[1]!, q[2]!, q[3]!]);
  writePose(avatar, [x, y, z, ...hq], [x - 0.25, y - 0.5, z, 0, 0, 0, 1], [x + 0.25, y - 0.5, z, 0, 0, 0, 1]);
  for (const key of POSE_KEYS) avatar.coarse[key] = avatar[key];
}

/** A unit quaternion (identity for a zero one), so quantisation never sees out-of-range parts. */
function normalize(q: readonly [number, number, number, number]): [number, number, number, number] {
  const n = Math.hypot(q[0], q[1], q[2], q[3]);
  return n < 1e-6 ? [0, 0, 0, 1] : [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

function assertNever(value: never): never {
  throw new Error(`SpatialRoom: unhandled message type ${String(value)}`);
}
