import type { Claims, DataAccess } from '../db/dataAccess.ts';
import type { RoomRole } from '../../shared/protocol/spatialProtocol.ts';

/** Who is entering, as the database sees the token's active identity. */
export interface Entrant {
  claims: Claims;
  identityId: string;
  displayName: string;
  color: string;
  role: RoomRole;
}

/** The dataspace a spatial room stands for, and its persisted room row when there is one. */
export interface DataspaceAccess extends Entrant {
  dataspaceId: string;
  ownerIdentityId: string;
  name: string;
  xrRoomId: string | null;
  capacity: number;
  locked: boolean;
}

/** A refused entry: the identity may not see that dataspace or meeting (RLS said no). */
export class AccessDenied extends Error {
  readonly code = 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

const DEFAULT_CAPACITY = 16;

/**
 * Asks Postgres, as the token's active identity (RLS decides), whether it may enter the dataspace:
 * the owner is host, a live write elevation makes a participant, a read elevation a viewer.
 */
export async function checkDataspaceAccess(
  db: DataAccess,
  claims: Claims,
  dataspaceId: string,
): Promise<DataspaceAccess> {
  const row = await db.withUser(claims, async (tx) => {
    const [r] = await tx<
      {
        name: string;
        owner: string;
        is_owner: boolean;
        can_write: boolean;
        display_name: string | null;
        color: string | null;
        xr_room_id: string | null;
        capacity: number | null;
        locked: boolean | null;
      }[]
    >`
      select d.name, d.identity_id as owner,
        d.identity_id = (select private.active_identity_id()) as is_owner,
        private.elevated(d.identity_id, 'write', d.sphere_id, d.id) as can_write,
        coalesce(a.display_name, i.name) as display_name, coalesce(a.color, i.color) as color,
        r.id as xr_room_id, r.capacity, r.locked
      from public.dataspaces d
      left join public.identities i on i.id = (select private.active_identity_id())
      left join public.xr_avatars a on a.identity_id = i.id
      left join lateral (
        select x.id, x.capacity, x.locked from public.xr_rooms x
        where x.dataspace_id = d.id and x.kind = 'dataspace' order by x.created_at limit 1
      ) r on true
      where d.id = ${dataspaceId} and d.archived_at is null`;
    return r;
  });
  if (!row || !row.display_name) {
    throw new AccessDenied(`realtime: dataspace ${dataspaceId} is not open to this identity`);
  }
  return {
    claims,
    identityId: claims.identity_id!,
    displayName: row.display_name,
    color: row.color ?? '#4f8cff',
    role: row.is_owner ? 'host' : row.can_write ? 'participant' : 'viewer',
    dataspaceId,
    ownerIdentityId: row.owner,
    name: row.name,
    xrRoomId: row.xr_room_id,
    capacity: row.capacity ?? DEFAULT_CAPACITY,
    locked: row.locked ?? false,
  };
}

/** The workspace a workspace room stands for. */
export interface WorkspaceAccess extends Entrant {
  workspaceId: string;
  ownerIdentityId: string;
  name: string;
}

/** As checkDataspaceAccess, for a workspace (RLS on workspaces: owner or elevation on its dataspace). */
export async function checkWorkspaceAccess(
  db: DataAccess,
  claims: Claims,
  workspaceId: string,
): Promise<WorkspaceAccess> {
  const [row] = await db.withUser(
    claims,
    (tx) => tx<
      { name: string; owner: string; is_owner: boolean; can_write: boolean; display_name: string | null }[]
    >`
      select w.name, w.identity_id as owner, w.identity_id = (select private.active_identity_id()) as is_owner,
        private.elevated(w.identity_id, 'write', null, w.dataspace_id) as can_write,
        (select coalesce(a.display_name, i.name) from public.identities i
           left join public.xr_avatars a on a.identity_id = i.id
          where i.id = (select private.active_identity_id())) as display_name
      from public.workspaces w where w.id = ${workspaceId}`,
  );
  if (!row || !row.display_name) {
    throw new AccessDenied(`realtime: workspace ${workspaceId} is not open to this identity`);
  }
  return {
    claims,
    identityId: claims.identity_id!,
    displayName: row.display_name,
    color: '#4f8cff',
    role: row.is_owner ? 'host' : row.can_write ? 'participant' : 'viewer',
    workspaceId,
    ownerIdentityId: row.owner,
    name: row.name,
  };
}

/** The meeting a meeting room stands for. */
export interface MeetingAccess extends Entrant {
  meetingId: string;
  ownerIdentityId: string;
}

/**
 * As checkDataspaceAccess, for a meeting: RLS decides whether the identity sees the meeting (owner,
 * or elevation on its dataspace). The role is the owner's host, else the one the meeting's
 * participant list gives this identity (read as system: participant rows belong to the owner), else
 * participant or viewer by elevation.
 */
export async function checkMeetingAccess(
  db: DataAccess,
  claims: Claims,
  meetingId: string,
): Promise<MeetingAccess> {
  const [row] = await db.withUser(
    claims,
    (tx) => tx<{ owner: string; is_owner: boolean; can_write: boolean; display_name: string | null }[]>`
      select m.identity_id as owner, m.identity_id = (select private.active_identity_id()) as is_owner,
        private.elevated(m.identity_id, 'write', null, m.dataspace_id) as can_write,
        (select coalesce(a.display_name, i.name) from public.identities i
           left join public.xr_avatars a on a.identity_id = i.id
          where i.id = (select private.active_identity_id())) as display_name
      from public.meetings m where m.id = ${meetingId} and m.status <> 'cancelled'`,
  );
  if (!row || !row.display_name) {
    throw new AccessDenied(`realtime: meeting ${meetingId} is not open to this identity`);
  }
  const [invited] = await db.withService(
    (tx) => tx<{ role: RoomRole }[]>`
      select role from public.meeting_participants
      where meeting_id = ${meetingId} and participant_identity_id = ${claims.identity_id!}`,
  );
  const role: RoomRole = row.is_owner
    ? 'host'
    : (invited?.role ?? (row.can_write ? 'participant' : 'viewer'));
  return {
    claims,
    identityId: claims.identity_id!,
    displayName: row.display_name,
    color: '#4f8cff',
    role,
    meetingId,
    ownerIdentityId: row.owner,
  };
}
