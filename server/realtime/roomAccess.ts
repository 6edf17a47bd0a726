import type { DataAccess } from '../../supabase/functions/_shared/dataAccess.ts';
import type { RoomRole } from '../../shared/protocol/spatialProtocol.ts';
import type { RoomTokenClaims } from './verifyToken.ts';

/**
 * The room kinds, as `private.room_access` names them: a spatial room stands for a dataspace, a
 * presence room for an identity.
 */
export const ROOM_KINDS = ['dataspace', 'workspace', 'meeting', 'presence'] as const;
/** A room kind. */
export type RoomKind = (typeof ROOM_KINDS)[number];

/** The routing key of a room's access events (private.notify_room_access). */
export function roomAccessKey(kind: RoomKind, resourceId: string): string {
  return `access:${kind}:${resourceId}`;
}

/** The routing key of an identity's access events: grants changed, identity deleted. */
export function identityAccessKey(identityId: string): string {
  return `access:identity:${identityId}`;
}

/** What the database answers about one identity in one room. */
export interface Admission {
  kind: RoomKind;
  resourceId: string;
  identityId: string;
  displayName: string;
  color: string;
  role: RoomRole;
  /**
   * Why it sits here, as the room shows it beside the person: owner, host, editor, participant,
   * viewer (a membership), seat (a meeting's participant list), elevated, or self (presence).
   */
  access: RoomAccess;
  /** The identity the room's writes belong to (the resource's owner). */
  ownerIdentityId: string;
  /** When this answer may change by itself (a grant's expiry, epoch ms); null when it cannot. */
  accessUntilMs: number | null;
}

/** Why an identity sits in a room (`private.room_access`'s `access`). */
export type RoomAccess =
  'owner' | 'host' | 'editor' | 'participant' | 'viewer' | 'seat' | 'elevated' | 'self';

/** A refused entry: the identity has no role in that room (the database said so). */
export class AccessDenied extends Error {
  readonly code = 'forbidden';
  constructor(message: string) {
    super(message);
    this.name = 'AccessDenied';
  }
}

const DEFAULT_COLOR = '#4f8cff';

/**
 * The one admission rule of every room: asks Postgres as the token's active identity (withUser, so
 * RLS decides what it can see) for its role in the room of `kind` standing for `resourceId`
 * (`private.room_access`: the owner, a membership by role, a meeting's seat, a live elevation). Rooms call it with their OWN resource id, at the door and again
 * whenever access may have changed; a client's join options never reach it inside a room.
 */
export async function checkRoomAccess(
  db: DataAccess,
  claims: RoomTokenClaims,
  kind: RoomKind,
  resourceId: string,
): Promise<Admission> {
  const [row] = await db.withUser(
    claims,
    (tx) => tx<
      {
        role: RoomRole;
        owner_identity_id: string;
        access_until: Date | null;
        access: RoomAccess;
        display_name: string;
        color: string;
      }[]
    >`
      select r.role, r.owner_identity_id, r.access_until, r.access,
             coalesce(a.display_name, i.name) as display_name, coalesce(a.color, i.color) as color
      from private.room_access(${kind}, ${resourceId}::uuid) r
      join public.identities i on i.id = (select private.active_identity_id())
      left join public.xr_avatars a on a.identity_id = i.id`,
  );
  if (!row) throw new AccessDenied(`realtime: ${kind} ${resourceId} is not open to this identity`);
  return {
    kind,
    resourceId,
    identityId: claims.identity_id,
    displayName: row.display_name,
    color: row.color || DEFAULT_COLOR,
    role: row.role,
    access: row.access,
    ownerIdentityId: row.owner_identity_id,
    accessUntilMs: row.access_until ? row.access_until.getTime() : null,
  };
}
