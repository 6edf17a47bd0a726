import type { DataAccess } from '../../supabase/functions/_shared/dataAccess.ts';
import type { PlaceKind } from '../../shared/protocol/spatialProtocol.ts';

/** A room row as a spatial room opens on: its id, capacity and whether its host locked it. */
export interface RoomRow {
  id: string;
  capacity: number;
  locked: boolean;
}

/** An anchor as persisted (spatial_anchors). */
export interface AnchorRow {
  id: string;
  label: string;
  position: number[];
  orientation: number[];
  xrAnchorId: string | null;
  createdBy: string | null;
}

/** An object as persisted (spatial_objects). */
export interface ObjectRow {
  id: string;
  kind: string;
  refId: string | null;
  anchorId: string | null;
  position: number[];
  orientation: number[];
  scale: number[];
  data: Record<string, unknown>;
  version: number;
}

/** An identity's avatar as the room restores it on join (xr_avatars). */
export interface AvatarLook {
  model: string;
  /** Where its head last stood in this room, when it was seated here before. */
  pose: { p: [number, number, number]; q: [number, number, number, number] } | null;
}

/** What a flush writes: upserts and deletions since the last flush. */
export interface SpatialChanges {
  anchors: AnchorRow[];
  objects: ObjectRow[];
  deletedAnchors: string[];
  deletedObjects: string[];
}

/**
 * Persistence of a spatial room's layout. Room persistence is system work done on behalf of the
 * dataspace's owner (who entered was decided by RLS at the door), so it runs `withService` and
 * stamps `identity_id` with the owner explicitly; composite FKs keep every row inside that identity.
 */
export function createSpatialStore(db: DataAccess) {
  return {
    /**
     * The room row of a dataspace, or of one of its places (a thread or workspace entered as a
     * room: kind and pointer of that place), created for its owner on first use.
     */
    async ensureRoom(
      ownerIdentityId: string,
      dataspaceId: string,
      name: string,
      place?: { kind: PlaceKind; id: string },
    ): Promise<RoomRow> {
      return db.withService(async (tx) => {
        const kind = place?.kind ?? 'dataspace';
        const threadId = place?.kind === 'thread' ? place.id : null;
        const workspaceId = place?.kind === 'workspace' ? place.id : null;
        const [existing] = await tx<RoomRow[]>`
          select id, capacity, locked from public.xr_rooms
          where dataspace_id = ${dataspaceId} and identity_id = ${ownerIdentityId} and kind = ${kind}
            and thread_id is not distinct from ${threadId}::uuid
            and workspace_id is not distinct from ${workspaceId}::uuid
          order by created_at limit 1`;
        if (existing) return existing;
        const [created] = await tx<RoomRow[]>`
          insert into public.xr_rooms (identity_id, dataspace_id, name, kind, thread_id, workspace_id)
          values (${ownerIdentityId}, ${dataspaceId}, ${name.slice(0, 160)}, ${kind}, ${threadId}, ${workspaceId})
          returning id, capacity, locked`;
        return created!;
      });
    },

    /** Everything placed in a room, to restore its state on creation. */
    async load(roomId: string): Promise<{ anchors: AnchorRow[]; objects: ObjectRow[] }> {
      return db.withService(async (tx) => {
        const anchors = await tx<AnchorRow[]>`
          select id, label, position, orientation, xr_anchor_id as "xrAnchorId",
                 created_by_identity_id as "createdBy"
          from public.spatial_anchors where room_id = ${roomId} order by created_at, id`;
        const objects = await tx<ObjectRow[]>`
          select id, kind, ref_id as "refId", anchor_id as "anchorId", position, orientation, scale, data,
                 version::int as version
          from public.spatial_objects where room_id = ${roomId} order by created_at, id`;
        return { anchors: [...anchors], objects: [...objects] };
      });
    },

    /** The identity's avatar model and its last pose in this room (null pose: never here, or no avatar yet). */
    async loadAvatar(identityId: string, roomId: string): Promise<AvatarLook> {
      const [row] = await db.withService(
        (tx) => tx<{ model: string; pose: AvatarLook['pose'] }[]>`
          select model, room_poses -> ${roomId}::text as pose
          from public.xr_avatars where identity_id = ${identityId}`,
      );
      return { model: row?.model ?? 'default', pose: validPose(row?.pose) };
    },

    /** Records where the identity's avatar stood when it left this room (private.save_avatar_room_pose). */
    async saveAvatarPose(
      identityId: string,
      roomId: string,
      position: readonly number[],
      orientation: readonly number[],
    ): Promise<void> {
      await db.withService(
        (tx) => tx`select private.save_avatar_room_pose(${identityId}, ${roomId},
                    ${position as number[]}::real[], ${orientation as number[]}::real[])`,
      );
    },

    /** Keeps the identity's new look (creating its avatar, named after the identity, on first use). */
    async saveAvatarLook(identityId: string, color: string, model: string): Promise<void> {
      await db.withService(
        (tx) => tx`
          insert into public.xr_avatars (identity_id, display_name, color, model)
          select i.id, left(i.name, 120), ${color}, ${model} from public.identities i where i.id = ${identityId}
          on conflict (identity_id) do update set color = excluded.color, model = excluded.model`,
      );
    },

    /** Writes one batch of changes in one transaction (all or nothing). */
    async save(ownerIdentityId: string, roomId: string, changes: SpatialChanges): Promise<void> {
      await db.withService(async (tx) => {
        for (const a of changes.anchors) {
          await tx`
            insert into public.spatial_anchors
              (id, identity_id, room_id, label, position, orientation, xr_anchor_id, created_by_identity_id)
            values (${a.id}, ${ownerIdentityId}, ${roomId}, ${a.label}, ${a.position}::real[],
                    ${a.orientation}::real[], ${a.xrAnchorId}, ${a.createdBy})
            on conflict (id) do update set label = excluded.label, position = excluded.position,
              orientation = excluded.orientation, xr_anchor_id = excluded.xr_anchor_id`;
        }
        for (const o of changes.objects) {
          await tx`
            insert into public.spatial_objects
              (id, identity_id, room_id, anchor_id, kind, ref_id, position, orientation, scale, data, version)
            values (${o.id}, ${ownerIdentityId}, ${roomId}, ${o.anchorId}, ${o.kind}, ${o.refId},
                    ${o.position}::real[], ${o.orientation}::real[], ${o.scale}::real[], ${tx.json(o.data as never)},
                    ${o.version})
            on conflict (id) do update set anchor_id = excluded.anchor_id, position = excluded.position,
              orientation = excluded.orientation, scale = excluded.scale, data = excluded.data,
              version = greatest(public.spatial_objects.version, excluded.version)`;
        }
        if (changes.deletedObjects.length > 0) {
          await tx`delete from public.spatial_objects
                   where room_id = ${roomId} and id = any(${changes.deletedObjects}::uuid[])`;
        }
        if (changes.deletedAnchors.length > 0) {
          await tx`delete from public.spatial_anchors
                   where room_id = ${roomId} and id = any(${changes.deletedAnchors}::uuid[])`;
        }
      });
    },
  };
}

/** The store a room persists through. */
export type SpatialStore = ReturnType<typeof createSpatialStore>;

/** A stored pose read back defensively: anything but 3 + 4 finite numbers is no pose. */
function validPose(raw: unknown): AvatarLook['pose'] {
  if (!raw || typeof raw !== 'object') return null;
  const { p, q } = raw as { p?: unknown; q?: unknown };
  const finite = (v: unknown, n: number): v is number[] =>
    Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  if (!finite(p, 3) || !finite(q, 4)) return null;
  return { p: [p[0]!, p[1]!, p[2]!], q: [q[0]!, q[1]!, q[2]!, q[3]!] };
}
