import { z } from 'zod';
import type { ErrorCode } from '../api/errors.ts';
import { CHAT_MAX_CHARS, HAND_JOINTS, ROOM_HALF_EXTENT_M } from './limits.ts';
import { RequestId } from './requestIds.ts';
import { VOICE_CLIENT, voiceClientSchemas } from './voiceProtocol.ts';

/** Message types a client sends to a spatial room. */
export const SPATIAL_CLIENT = {
  pose: 'pose',
  mode: 'mode',
  look: 'look',
  grab: 'grab',
  move: 'move',
  release: 'release',
  placeAnchor: 'placeAnchor',
  anchorHandle: 'anchorHandle',
  placeObject: 'placeObject',
  removeObject: 'removeObject',
  chat: 'chat',
  kick: 'kick',
  mute: 'mute',
  lockRoom: 'lockRoom',
  setRole: 'setRole',
  ...VOICE_CLIENT,
} as const;
/** A message type a client may send to a spatial room. */
export type SpatialClientType = (typeof SPATIAL_CLIENT)[keyof typeof SPATIAL_CLIENT];

/** Message types the server sends to one client or broadcasts. */
export const SPATIAL_SERVER = {
  /** A refused message, sent to its sender only. */
  error: 'error',
  /** A database change relevant to the room (LISTEN/NOTIFY). */
  db: 'db',
  /** Reply to a grab: whether the lock was granted (GrabReply). */
  grab: 'grab',
  /**
   * Reply to a placeAnchor or placeObject that carried a request id: the new anchor's or object's id
   * (PlacedReply), sent right after the state patch that carries it.
   */
  placed: 'placed',
  /** Acknowledges a write once it is durable in Postgres. */
  saved: 'saved',
  /** The client's voice session: an offer to answer, or its end (VoiceServerMessage). */
  voice: 'voice',
} as const;

/**
 * Why the server refused a message or a join: names for the codes of shared/api/errors.ts that
 * rooms send (the same table the HTTP API and the pipeline answer from).
 */
export const REALTIME_ERRORS = {
  invalidMessage: 'invalid_message',
  unknownMessage: 'unknown_message',
  rateLimited: 'rate_limited',
  forbidden: 'forbidden',
  notFound: 'not_found',
  lockHeld: 'lock_held',
  roomLocked: 'room_locked',
  roomFull: 'room_full',
  unauthenticated: 'unauthenticated',
  /** A grab lock held for GRAB_MAX_HOLD_MS was taken back; grab the object again. */
  lockExpired: 'lock_expired',
  /** The room holds as many objects or anchors as it may (MAX_ROOM_OBJECTS, MAX_ROOM_ANCHORS). */
  roomCapReached: 'room_cap_reached',
  /** No voice server can take the session (none configured, or none reachable right now). */
  voiceUnavailable: 'voice_unavailable',
} as const satisfies Readonly<Record<string, ErrorCode>>;
/** A realtime error code. */
export type RealtimeErrorCode = (typeof REALTIME_ERRORS)[keyof typeof REALTIME_ERRORS];

/**
 * Close codes a room ends a client's session with, beside Colyseus' own (4000-4010); the close
 * reason says the same in words. None of them invites the SDK to reconnect.
 */
export const ROOM_CLOSE = {
  /** A moderator removed the client from this room. */
  kicked: 4001,
  /** The access token expired while seated: refresh the session and join again. */
  tokenExpired: 4401,
  /** Access ended while seated: grant revoked or expired, identity or room's resource removed. */
  accessEnded: 4403,
} as const;
/** A room close code. */
export type RoomCloseCode = (typeof ROOM_CLOSE)[keyof typeof ROOM_CLOSE];

/** Roles in a room, most powerful first. */
export const ROOM_ROLES = ['host', 'moderator', 'participant', 'viewer'] as const;
/** A role in a room. */
export type RoomRole = (typeof ROOM_ROLES)[number];
/** How a client is present: desktop, mobile, VR headset or AR. */
export const AVATAR_MODES = ['desktop', 'mobile', 'vr', 'ar'] as const;
/**
 * Avatar models a client may choose (xr_avatars.model): a body style name, lowercase words separated
 * by `/`, `-`, `_` or `.`, at most 64 characters (the client draws the default body for a name it
 * does not know).
 */
export const AVATAR_MODEL = z
  .string()
  .regex(/^[a-z0-9]+(?:[/_.-][a-z0-9]+)*$/)
  .max(64);
/** An avatar colour: `#rrggbb` (xr_avatars.color). */
export const AVATAR_COLOR = z.string().regex(/^#[0-9a-fA-F]{6}$/);
/** Modes in which a device can track the person's hands (WebXR hand input exists in immersive sessions only). */
export const HAND_TRACKING_MODES: readonly (typeof AVATAR_MODES)[number][] = ['vr', 'ar'];

/** Kinds of object placed in a room (spatial_objects.kind). */
export const OBJECT_KINDS = ['thread_panel', 'workspace_panel', 'memory_card', 'note', 'model'] as const;

const coord = z.number().finite().min(-ROOM_HALF_EXTENT_M).max(ROOM_HALF_EXTENT_M);
const unit = z.number().finite().min(-1).max(1);
/** A position in metres relative to the room origin. */
export const Vec3 = z.tuple([coord, coord, coord]);
/** An orientation quaternion (x, y, z, w). */
export const Quat = z.tuple([unit, unit, unit, unit]);
/** Position + orientation of a tracked part: [px, py, pz, qx, qy, qz, qw]. */
export const PartPose = z.tuple([coord, coord, coord, unit, unit, unit, unit]);
const uuid = z.uuid();

/**
 * A device's persistent handle of a WebXR anchor (`XRAnchor.requestPersistentHandle()`, a UUID in
 * today's browsers), kept with a spatial anchor (spatial_anchors.xr_anchor_id, 1-200 characters) so
 * the same device restores it (`XRSession.restorePersistentAnchor`). Opaque to the room: letters,
 * digits and `-_.:{}` only, so nothing a browser would not hand out is stored.
 */
export const XR_ANCHOR_HANDLE = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:{}-]+$/);

/** The zod schema of every client message, by type. */
export const spatialClientSchemas = {
  pose: z.strictObject({
    h: PartPose,
    l: PartPose,
    r: PartPose,
    /** Hand joints, compressed: millimetres relative to the wrist, both hands, int16 range. */
    j: z
      .array(z.number().int().min(-32768).max(32767))
      .max(HAND_JOINTS * 3 * 2)
      .optional(),
    /** Client send time (ms), echoed back to the sender only through its own avatar. */
    t: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
  }),
  /** How the client is present; `handTracking` only in vr / ar (the room refuses it otherwise). */
  mode: z.strictObject({ mode: z.enum(AVATAR_MODES), handTracking: z.boolean().optional() }),
  /** The avatar's look, kept in xr_avatars for the identity and restored on every join. */
  look: z.strictObject({ color: AVATAR_COLOR, model: AVATAR_MODEL }),
  /** `rid`: the request id the reply (`grab`) or a refusal echoes (requestIds.ts). */
  grab: z.strictObject({ objectId: uuid, rid: RequestId.optional() }),
  move: z.strictObject({ objectId: uuid, p: Vec3, q: Quat, s: Vec3.optional() }),
  release: z.strictObject({ objectId: uuid }),
  placeAnchor: z.strictObject({
    label: z.string().min(1).max(120),
    p: Vec3,
    q: Quat,
    xrAnchorId: XR_ANCHOR_HANDLE.optional(),
    /** The request id the reply (`placed`) or a refusal echoes. */
    rid: RequestId.optional(),
  }),
  /**
   * Binds a placed anchor to the sender's device: the persistent handle of the WebXR anchor made
   * there (null forgets it). Its placer, or a host or moderator, only.
   */
  anchorHandle: z.strictObject({ anchorId: uuid, xrAnchorId: XR_ANCHOR_HANDLE.nullable() }),
  placeObject: z.strictObject({
    kind: z.enum(OBJECT_KINDS),
    refId: uuid.optional(),
    anchorId: uuid.optional(),
    p: Vec3,
    q: Quat,
    s: z.tuple([
      z.number().positive().max(100),
      z.number().positive().max(100),
      z.number().positive().max(100),
    ]),
    data: z.record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
    /** The request id the reply (`placed`) or a refusal echoes. */
    rid: RequestId.optional(),
  }),
  removeObject: z.strictObject({ objectId: uuid }),
  chat: z.strictObject({ text: z.string().trim().min(1).max(CHAT_MAX_CHARS) }),
  kick: z.strictObject({ sessionId: z.string().min(1).max(64) }),
  mute: z.strictObject({ sessionId: z.string().min(1).max(64), muted: z.boolean() }),
  lockRoom: z.strictObject({ locked: z.boolean() }),
  setRole: z.strictObject({
    sessionId: z.string().min(1).max(64),
    role: z.enum(['moderator', 'participant', 'viewer']),
  }),
  ...voiceClientSchemas,
} as const satisfies Record<SpatialClientType, z.ZodType>;

/** The payload of a client message of type `T`. */
export type SpatialClientMessage<T extends SpatialClientType> = z.input<(typeof spatialClientSchemas)[T]>;

/** What the server sends back when it refuses a message. */
export interface RealtimeErrorMessage {
  code: RealtimeErrorCode;
  message: string;
  /** The refused message's type, when known. */
  type?: string;
  /** The refused message's request id, when it carried a well-formed one. */
  rid?: number;
}

/** The room's reply to a grab. */
export interface GrabReply {
  objectId: string;
  granted: boolean;
  /** The session holding the lock, when refused. */
  holder?: string;
  /** The grab's request id, when it carried one. */
  rid?: number;
}

/** The room's reply to a placeAnchor or placeObject that carried a request id. */
export interface PlacedReply {
  rid: number;
  /** The id of the anchor or object placed. */
  id: string;
}

/** What a place room stands for inside a dataspace: one of its threads or workspaces (issue 16). */
export const PLACE_KINDS = ['thread', 'workspace'] as const;
/** A place kind. */
export type PlaceKind = (typeof PLACE_KINDS)[number];

/** A place's key as join options and room state carry it: `thread:<uuid>` or `workspace:<uuid>`. */
export const PlaceKey = z
  .string()
  .regex(
    /^(thread|workspace):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'place must be thread:<uuid> or workspace:<uuid>',
  );

/** The key of a dataspace's place. */
export function placeKey(kind: PlaceKind, id: string): string {
  return `${kind}:${id}`;
}

/** A place key's kind and id; undefined when it is not one. */
export function parsePlace(key: string): { kind: PlaceKind; id: string } | undefined {
  if (!PlaceKey.safeParse(key).success) return undefined;
  const [kind, id] = key.split(':') as [PlaceKind, string];
  return { kind, id };
}

/** Join options of a spatial room (the dataspace's own room: no `place`). */
export const SpatialJoinOptions = z.object({ dataspaceId: uuid, mode: z.enum(AVATAR_MODES).optional() });
/**
 * Join options of a place room: a thread or workspace of the dataspace entered as a room of its
 * own. Admission is the dataspace's; the room checks the place belongs to that dataspace.
 */
export const PlaceJoinOptions = SpatialJoinOptions.extend({ place: PlaceKey });
/** Join options of a place room. */
export type PlaceJoinOptions = z.infer<typeof PlaceJoinOptions>;
/** Join options of a spatial room. */
export type SpatialJoinOptions = z.infer<typeof SpatialJoinOptions>;

/** A database change forwarded to a room (payload of NOTIFY). */
export interface DbEventMessage {
  table: string;
  op: 'INSERT' | 'UPDATE' | 'DELETE';
  id: string;
  identityId: string | null;
  /** Small, table-specific summary (e.g. a message's thread, a balance). */
  data: Record<string, unknown>;
}

/** Types a message payload against the protocol table: a wrong type or shape does not compile. */
export function spatialMessage<T extends SpatialClientType>(
  type: T,
  payload: SpatialClientMessage<T>,
): [T, SpatialClientMessage<T>] {
  return [type, payload];
}
