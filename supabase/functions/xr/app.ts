/**
 * XR rooms of a dataspace, with their spatial anchors and objects. The anchors and objects are read
 * here only: their one writer is the room (server/rooms/SpatialRoom.ts, persisted write-behind), and
 * the database refuses user writes to them (protect_xr_and_ocw). Place, move and remove them in the room.
 */
import { z } from 'zod';
import * as r from '../../../shared/api/resources.ts';
import { crud, type Verb } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('xr');
const all: Verb[] = ['list', 'get', 'create', 'update', 'delete'];
/** The room writes these; the API reads them. */
const read: Verb[] = ['list', 'get'];
const parent = { param: 'room_id', column: 'room_id' };
crud(fn, {
  path: '/rooms',
  table: 'public.xr_rooms',
  noun: 'room',
  tag: 'xr',
  row: r.XrRoom,
  create: r.XrRoomCreate,
  update: r.XrRoomUpdate,
  verbs: all,
  filters: { dataspace_id: z.uuid() },
});
crud(fn, {
  path: '/rooms/{room_id}/anchors',
  table: 'public.spatial_anchors',
  noun: 'anchor',
  tag: 'xr',
  row: r.SpatialAnchor,
  verbs: read,
  parent,
});
crud(fn, {
  path: '/rooms/{room_id}/objects',
  table: 'public.spatial_objects',
  noun: 'object',
  tag: 'xr',
  row: r.SpatialObject,
  verbs: read,
  parent,
});

export default fn;
