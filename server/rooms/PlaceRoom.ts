import { PlaceJoinOptions, parsePlace, type PlaceKind } from '../../shared/protocol/spatialProtocol.ts';
import { authenticateJoin, type RoomAuth } from '../realtime/RoomSeats.ts';
import { SpatialRoom } from './SpatialRoom.ts';

/**
 * A thread or a workspace of a dataspace entered as a room of its own (issue 16): the same spatial
 * room (avatars, voice, chat, objects, moderation) with its own instance, room row (xr_rooms of
 * kind `thread` / `workspace`) and kept poses. Who sits here is decided exactly as for the
 * dataspace's room — `private.room_access('dataspace', <the dataspace>)`, asked by RoomSeats — and
 * the room opens only on a place that belongs to that dataspace.
 */
export class PlaceRoom extends SpatialRoom {
  static override onAuth(token: string, options: unknown): Promise<RoomAuth> {
    return authenticateJoin(
      'dataspace',
      token,
      () => PlaceJoinOptions.parse(options).dataspaceId,
      '{ dataspaceId: uuid, place: thread:<uuid> | workspace:<uuid> }',
    );
  }

  protected override placeOf(options: unknown): { kind: PlaceKind; id: string } {
    return parsePlace(PlaceJoinOptions.parse(options).place)!;
  }
}
