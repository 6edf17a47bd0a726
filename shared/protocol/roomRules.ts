import type { RoomRole } from './spatialProtocol.ts';

/** True when the role may kick, mute and lock the room. */
export function canModerate(role: RoomRole): boolean {
  return role === 'host' || role === 'moderator';
}

/**
 * True when the role may post in the room's chat and speak (publish its voice): a viewer is a
 * spectator that listens (issue 14).
 */
export function canSpeak(role: RoomRole): boolean {
  return role !== 'viewer';
}

/** True when the role may grab, move, place and remove objects and anchors. */
export function canEdit(role: RoomRole): boolean {
  return role !== 'viewer';
}

/** True when a session may take (or keep) an object's grab lock: it is free or already its own. */
export function canGrab(lockedBy: string, sessionId: string): boolean {
  return lockedBy === '' || lockedBy === sessionId;
}

/** Squared distance between two points given as x, y, z triples. */
export function distanceSq(ax: number, ay: number, az: number, bx: number, by: number, bz: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  const dz = az - bz;
  return dx * dx + dy * dy + dz * dz;
}
