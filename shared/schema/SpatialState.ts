import { schema, t, type SchemaType } from '@colyseus/schema';
import { CHAT_HISTORY, ROOM_HALF_EXTENT_M } from '../protocol/limits.ts';

/** View tag: an avatar's full-rate pose is visible only to viewers within NEAR_RADIUS_M. */
export const NEAR_TAG = 1;

// Encodings: positions are 16-bit over the room's extent (~2 mm steps), quaternion components
// 16-bit over [-1, 1]. A part costs 7 fields x (1 index byte + 2 value bytes).
const pos = () => t.quantized({ min: -ROOM_HALF_EXTENT_M, max: ROOM_HALF_EXTENT_M }).default(0);
const rot = (w = false) => t.quantized({ min: -1, max: 1 }).default(w ? 1 : 0);

const POSE_FIELDS = {
  hx: pos(),
  hy: pos(),
  hz: pos(),
  hqx: rot(),
  hqy: rot(),
  hqz: rot(),
  hqw: rot(true),
  lx: pos(),
  ly: pos(),
  lz: pos(),
  lqx: rot(),
  lqy: rot(),
  lqz: rot(),
  lqw: rot(true),
  rx: pos(),
  ry: pos(),
  rz: pos(),
  rqx: rot(),
  rqy: rot(),
  rqz: rot(),
  rqw: rot(true),
};

/** The field names of a pose: head (h), left (l) and right (r) hand, position + quaternion. */
export const POSE_KEYS = Object.keys(POSE_FIELDS) as (keyof typeof POSE_FIELDS)[];

/** The pose fields again, each tagged NEAR_TAG: visible only to viewers that added the avatar with it. */
function nearPoseFields() {
  const near = {} as { [K in keyof typeof POSE_FIELDS]: ReturnType<typeof pos> };
  for (const key of POSE_KEYS)
    near[key] = (key.includes('q') ? rot(key.endsWith('w')) : pos()).view(NEAR_TAG);
  return near;
}

/** Head + both hands (or controllers): position + orientation each, quantised. */
export const Pose = schema(POSE_FIELDS, 'Pose');
/** A pose instance. */
export type Pose = SchemaType<typeof Pose>;

/**
 * An avatar: who (display name + colour of the active identity, from auth), how (mode), and where.
 * The full-rate pose (fields h*, l*, r*, flat: no ref to switch to) is tagged NEAR_TAG (state views);
 * `coarse` is a copy at COARSE_POSE_HZ that every viewer gets. `joints` are compressed hand joints, near only (a primitive, so a far-to-near view change
 * delivers it whole).
 */
export const Avatar = schema(
  {
    sessionId: t.string(),
    identityId: t.string(),
    displayName: t.string(),
    color: t.string(),
    mode: t.string<'desktop' | 'mobile' | 'vr' | 'ar'>().default('desktop'),
    /** Whether the device tracks the person's hands (vr / ar only). */
    handTracking: t.boolean().default(false),
    /** Body style (xr_avatars.model), restored on join with the colour. */
    model: t.string().default('default'),
    role: t.string<'host' | 'moderator' | 'participant' | 'viewer'>().default('participant'),
    /**
     * Why this person is here (issue 14): owner, a membership's role (host, editor, participant,
     * viewer), seat (a meeting invitation), elevated; the people list shows it beside the name.
     */
    access: t.string().default(''),
    /** Set by the server from the voice's audio level (RFC 6464) at the SFU; no client message sets it. */
    speaking: t.boolean().default(false),
    /** Muted by a moderator: the SFU forwards none of this participant's voice. */
    muted: t.boolean().default(false),
    connected: t.boolean().default(true),
    /** The sender's last pose timestamp (ms), so a client can time its own echo. */
    echo: t.uint32().default(0).view(NEAR_TAG),
    coarse: t.ref(Pose),
    ...nearPoseFields(),
    /** Hand joints, compressed: int16 little-endian (mm relative to the wrist), base64; near only. */
    joints: t.string().default('').view(NEAR_TAG),
  },
  'Avatar',
);
/** An avatar instance. */
export type Avatar = SchemaType<typeof Avatar>;

/** A fixed point of the room (spatial_anchors), optionally bound to an AR runtime anchor. */
export const Anchor = schema(
  {
    id: t.string(),
    label: t.string(),
    px: t.float32(),
    py: t.float32(),
    pz: t.float32(),
    qx: t.float32(),
    qy: t.float32(),
    qz: t.float32(),
    qw: t.float32().default(1),
    xrAnchorId: t.string().default(''),
  },
  'Anchor',
);
/** An anchor instance. */
export type Anchor = SchemaType<typeof Anchor>;

/**
 * An object placed in the room (spatial_objects). Transform relative to its anchor, else the
 * origin. `lockedBy` is the session holding the grab lock ('' when free); the server grants it.
 */
export const SpatialObject = schema(
  {
    id: t.string(),
    kind: t.string<'thread_panel' | 'workspace_panel' | 'memory_card' | 'note' | 'model'>(),
    refId: t.string().default(''),
    anchorId: t.string().default(''),
    px: t.float32(),
    py: t.float32(),
    pz: t.float32(),
    qx: t.float32(),
    qy: t.float32(),
    qz: t.float32(),
    qw: t.float32().default(1),
    sx: t.float32().default(1),
    sy: t.float32().default(1),
    sz: t.float32().default(1),
    /** JSON object (spatial_objects.data). */
    data: t.string().default('{}'),
    version: t.uint32().default(0),
    lockedBy: t.string().default(''),
  },
  'SpatialObject',
);
/** A spatial object instance. */
export type SpatialObject = SchemaType<typeof SpatialObject>;

/** One line of text chat; the author is stamped by the server. */
export const ChatLine = schema(
  {
    identityId: t.string(),
    displayName: t.string(),
    text: t.string(),
    at: t.float64(),
  },
  'ChatLine',
);
/** A chat line instance. */
export type ChatLine = SchemaType<typeof ChatLine>;

/** State of a spatial room (one per dataspace). Chat keeps the last CHAT_HISTORY lines. */
export const SpatialState = schema(
  {
    dataspaceId: t.string(),
    /** '' for the dataspace's own room; `thread:<id>` / `workspace:<id>` for a place room (issue 16). */
    place: t.string().default(''),
    name: t.string(),
    locked: t.boolean().default(false),
    capacity: t.uint16().default(16),
    avatars: t.map(Avatar),
    anchors: t.map(Anchor),
    objects: t.map(SpatialObject),
    chat: t.array(ChatLine),
  },
  'SpatialState',
);
/** A spatial room's state instance. */
export type SpatialState = SchemaType<typeof SpatialState>;

/** Chat lines kept in state (re-exported for clients sizing their UI). */
export const CHAT_HISTORY_LINES = CHAT_HISTORY;
