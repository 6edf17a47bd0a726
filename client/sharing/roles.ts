import type { MemberRole, MyRole } from '../api/chenuApi.ts';

/**
 * What the active identity's role in a dataspace lets it do, as docs/SHARING.md ranks it: the UI
 * offers an action only where the database would accept it (the API and RLS still decide). A null
 * role (an elevation, the time-boxed exception path) offers everything and lets the server refuse.
 */
export type Capability =
  /** post messages, take meeting notes, move room objects, chat, run agents (participant and up) */
  | 'post'
  /** threads, decisions, workspaces, memory notes, meetings and their invitees (editor and up) */
  | 'edit'
  /** invite, make and revoke links, change roles, remove members (host and owner) */
  | 'share'
  /** rename, archive the dataspace itself (the owner only) */
  | 'own';

const RANK: Readonly<Record<Exclude<MyRole, null>, number>> = {
  viewer: 1,
  participant: 2,
  editor: 3,
  host: 4,
  owner: 5,
};
const NEEDS: Readonly<Record<Capability, number>> = { post: 2, edit: 3, share: 4, own: 5 };

/** True when `role` may do `what` in the dataspace (null: an elevation, see above). */
export function can(role: MyRole | undefined, what: Capability): boolean {
  if (role === undefined) return false;
  if (role === null) return true;
  return RANK[role] >= NEEDS[what];
}

/** The roles a host may give a member, least first. */
export const MEMBER_ROLES: readonly MemberRole[] = ['viewer', 'participant', 'editor', 'host'];
/** The roles a share link may give (never host). */
export const LINK_ROLES = ['viewer', 'participant', 'editor'] as const;
/** The roles of a meeting invitation. */
export const MEETING_ROLES = ['participant', 'viewer'] as const;
