import type { Presence } from '@colyseus/core';

/**
 * The meeting floor, shared between a dataspace's meeting rooms and its spatial room through
 * presence (Redis across realtime processes): who holds the floor of each meeting (heard room-wide),
 * and who the SFU hears as the active speaker (shown by the meetings).
 */

/** Presence hash per dataspace: meeting id → identity holding that meeting's floor. */
export function floorKey(dataspaceId: string): string {
  return `chenu:voice:floor:${dataspaceId}`;
}

/** Presence key and channel per dataspace: the active speaker's identity id ('' for nobody). */
export function activeSpeakerChannel(dataspaceId: string): string {
  return `chenu:voice:active:${dataspaceId}`;
}

/** Records who the voice hears loudest now, and tells the dataspace's meeting rooms. */
export async function setActiveSpeaker(
  presence: Presence,
  dataspaceId: string,
  identityId: string,
): Promise<void> {
  if (identityId) await presence.set(activeSpeakerChannel(dataspaceId), identityId);
  else presence.del(activeSpeakerChannel(dataspaceId));
  presence.publish(activeSpeakerChannel(dataspaceId), identityId);
}

/** Who the voice hears loudest now ('' for nobody), for a meeting room that opens meanwhile. */
export async function activeSpeaker(presence: Presence, dataspaceId: string): Promise<string> {
  const value: unknown = await presence.get(activeSpeakerChannel(dataspaceId));
  return typeof value === 'string' ? value : '';
}

/** Records (or clears) who holds a meeting's floor, and tells the dataspace's spatial room. */
export async function setFloor(
  presence: Presence,
  dataspaceId: string,
  meetingId: string,
  identityId: string | null,
): Promise<void> {
  if (identityId) await presence.hset(floorKey(dataspaceId), meetingId, identityId);
  else await presence.hdel(floorKey(dataspaceId), meetingId);
  presence.publish(floorKey(dataspaceId), { meetingId, identityId: identityId ?? '' });
}

/** The identities holding a floor in the dataspace's meetings now. */
export async function floorHolders(presence: Presence, dataspaceId: string): Promise<Map<string, string>> {
  return new Map(Object.entries(await presence.hgetall(floorKey(dataspaceId))));
}
