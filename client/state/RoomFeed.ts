/**
 * The seam between the room's network transport and the client's state. The realtime client (issue 5,
 * `@colyseus/sdk`) implements this interface; `createLocalRoomFeed` implements it in-process for a solo
 * room and for benchmarks. Callbacks may receive objects the feed reuses: consumers copy what they keep.
 */

/** A rigid pose in room space: position in metres, rotation as a unit quaternion. */
export interface Pose {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly qx: number;
  readonly qy: number;
  readonly qz: number;
  readonly qw: number;
}

/** Kinds of repeated room objects; each kind renders as one instanced mesh. */
export const OBJECT_KINDS = ['thread-panel', 'workspace-panel', 'memory-card', 'note'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** How a participant is present (shared/protocol AVATAR_MODES). */
export type AvatarMode = 'desktop' | 'mobile' | 'vr' | 'ar';

export interface AvatarSnapshot {
  /** Room session id of the participant (one avatar per connection). */
  readonly id: string;
  readonly identityId: string;
  readonly displayName: string;
  /** Identity colour as `#rrggbb`. */
  readonly color: string;
  readonly speaking: boolean;
  /** How they are present; absent is desktop. */
  readonly mode?: AvatarMode;
  /** Whether their device tracks their hands (vr / ar only); absent is false. */
  readonly handTracking?: boolean;
  readonly head: Pose;
  readonly left: Pose;
  readonly right: Pose;
  /**
   * Articulated hand joints as the room keeps them (client/state/handJoints.ts: int16 mm relative
   * to each wrist, base64); '' or absent when the participant's hands are not tracked or far away.
   */
  readonly joints?: string;
}

export interface ObjectSnapshot {
  readonly id: string;
  readonly kind: ObjectKind;
  readonly pose: Pose;
  /** Uniform scale, 1 = the kind's natural size. */
  readonly scale: number;
  /** Session id of the participant holding the server lock, or null. */
  readonly heldBy: string | null;
  readonly anchorId: string | null;
}

export interface AnchorSnapshot {
  readonly id: string;
  readonly objectId: string | null;
  readonly pose: Pose;
  /**
   * The persistent handle of the WebXR anchor its placer's device made (`requestPersistentHandle`),
   * or null: only that device can restore it, every other one uses `pose`.
   */
  readonly xrHandle: string | null;
}

/** Why the room refused an intent; shown to the user as is. */
export const FEED_REFUSALS = [
  'locked',
  'permission',
  'not-found',
  'offline',
  'invalid',
  'rate-limited',
] as const;
export type FeedRefusal = (typeof FEED_REFUSALS)[number];

export type FeedResult<T = undefined> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: FeedRefusal; readonly message: string };

export type Unsubscribe = () => void;

export interface RoomFeed {
  /** Session id of this client in the room; its own avatar is not rendered from the feed. */
  readonly selfId: string;
  onAvatarAdd(cb: (avatar: AvatarSnapshot) => void): Unsubscribe;
  onAvatarChange(cb: (avatar: AvatarSnapshot) => void): Unsubscribe;
  onAvatarRemove(cb: (id: string) => void): Unsubscribe;
  onObjectAdd(cb: (object: ObjectSnapshot) => void): Unsubscribe;
  onObjectChange(cb: (object: ObjectSnapshot) => void): Unsubscribe;
  onObjectRemove(cb: (id: string) => void): Unsubscribe;
  onAnchorAdd(cb: (anchor: AnchorSnapshot) => void): Unsubscribe;
  onAnchorRemove(cb: (id: string) => void): Unsubscribe;
  /**
   * Own head and hands, sent at POSE_HZ at most; the room quantises and rebroadcasts them. `joints`
   * (handJoints.ts encoding) when the device tracks hands; the feed copies what it sends.
   */
  sendPose(head: Pose, left: Pose, right: Pose, joints?: readonly number[] | null): void;
  /**
   * Tells the room how this client is present and whether its hands are tracked (vr / ar only); the
   * others see it on the avatar. Sent on change only.
   */
  setMode(mode: AvatarMode, handTracking: boolean): void;
  /** Asks for the object's lock; refused with 'locked' while someone else holds it. */
  grab(objectId: string): Promise<FeedResult>;
  /** Moves a held object; ignored by the room unless this client holds its lock. */
  move(objectId: string, pose: Pose): void;
  release(objectId: string, pose: Pose): void;
  /** Anchors the object where it stands; the anchor persists and reaches every participant. */
  placeAnchor(objectId: string, pose: Pose): Promise<FeedResult<{ readonly anchorId: string }>>;
  /**
   * Binds an anchor this client placed to this device's persistent WebXR anchor (null forgets it);
   * the room refuses it from anyone but the placer or a host.
   */
  bindAnchorHandle(anchorId: string, handle: string | null): void;
}
