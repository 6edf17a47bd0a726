/**
 * Realtime limits shared by client and server: room geometry, rates and size caps. Units are in the
 * names (`_M` metres, `_HZ` per second, `_MS` milliseconds).
 */

/** Half extent of a room: positions are quantised over [-ROOM_HALF_EXTENT_M, +ROOM_HALF_EXTENT_M]. */
export const ROOM_HALF_EXTENT_M = 64;
/** Clients send head + hands poses at this rate; the server patches state at the same rate. */
export const POSE_HZ = 20;
/** Avatars farther than this from a viewer reach it only through the coarse pose. */
export const NEAR_RADIUS_M = 6;
/** Rate of the coarse pose every viewer receives for every avatar. */
export const COARSE_POSE_HZ = 4;
/** A grab lock is released by the server when its holder does not renew (move) it in time. */
export const GRAB_LOCK_MS = 5_000;
/** Longest a grab lock is held in one go, renewals (move) included; then the server takes it back. */
export const GRAB_MAX_HOLD_MS = 60_000;
/** After the server took a lock back, its holder may not grab that object again for this long. */
export const GRAB_RETAKE_COOLDOWN_MS = 3_000;
/** Objects a spatial room holds at most: placements beyond are refused, nothing stored is dropped. */
export const MAX_ROOM_OBJECTS = 1_000;
/** Anchors a spatial room holds at most (anchors cannot be removed from a room, only added). */
export const MAX_ROOM_ANCHORS = 200;
/** How long a dropped client keeps its avatar and locks. */
export const RECONNECT_WINDOW_S = 30;
/** Text chat lines kept in the room state. */
export const CHAT_HISTORY = 50;
/** Longest chat line, in characters. */
export const CHAT_MAX_CHARS = 500;
/** Articulated hand joints per hand (WebXR hand input). */
export const HAND_JOINTS = 25;
/** Pose messages a client may send per second (POSE_HZ plus jitter headroom), with this burst. */
export const POSE_RATE = { perSecond: 30, burst: 45 } as const;
/** Every other message kind, per client. */
export const ACTION_RATE = { perSecond: 10, burst: 20 } as const;
/** Largest encoded message the transport accepts, in bytes. */
export const MAX_MESSAGE_BYTES = 16 * 1024;
