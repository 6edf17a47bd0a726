/**
 * Request and response schemas of shared spaces (issue 14): members, invitations, share links and
 * onboarding. A member is shown by its identity's name, colour and kind with its role, never by a
 * user id or an e-mail; a link's token appears only in the answer that made it.
 */
import { z } from 'zod';
import * as t from './tables.generated.ts';
import { MeetingParticipant, MyRole } from './resources.ts';

/** A member's role, ranked: viewer < participant < editor < host. */
export const MemberRole = z.enum(['viewer', 'participant', 'editor', 'host']).meta({ id: 'MemberRole' });
export { MyRole };

const Email = z.email().max(320);
const Hours = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

/** Someone with a role in a dataspace: the owner (no membership id) or a member. */
export const Member = z
  .object({
    membership_id: z.uuid().nullable(),
    identity_id: z.uuid(),
    name: z.string(),
    color: z.string(),
    kind: z.string(),
    role: z.enum(['owner', 'host', 'editor', 'participant', 'viewer']),
    via_link: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Member' });
export const MemberList = z.object({ data: z.array(Member) }).meta({ id: 'MemberList' });
/** Adds an identity the dataspace's owner already knows (a member elsewhere, an accepted invitee). */
export const MemberAdd = z.object({ identity_id: z.uuid(), role: MemberRole }).meta({ id: 'MemberAdd' });
export const MemberUpdate = z.object({ role: MemberRole }).meta({ id: 'MemberUpdate' });
export const Membership = t.dataspaceMembersRow.meta({ id: 'Membership' });
export const MemberParams = z.object({ id: z.uuid(), member_id: z.uuid() });

/** An invitation's status; `expired` is a pending one past its expiry. */
export const InvitationStatus = z.enum(['pending', 'accepted', 'declined', 'revoked', 'expired']);
/** An invitation as the dataspace's hosts (and the inviter) see it. */
export const Invitation = t.invitationsRow.extend({ status: InvitationStatus }).meta({ id: 'Invitation' });
export const InvitationCreate = z
  .object({
    email: Email,
    role: MemberRole,
    expires_in_hours: Hours(1440, 336).meta({ description: 'default 14 days, at most 60' }),
  })
  .meta({ id: 'InvitationCreate' });
export const MeetingInvitationCreate = z
  .object({
    email: Email,
    role: z.enum(['viewer', 'participant']).default('participant'),
    expires_in_hours: Hours(1440, 336),
  })
  .meta({ id: 'MeetingInvitationCreate' });
/** An invitation as its invitee sees it, with what they need to decide. */
export const MyInvitation = z
  .object({
    id: z.uuid(),
    dataspace_id: z.uuid(),
    dataspace_name: z.string(),
    meeting_id: z.uuid().nullable(),
    meeting_title: z.string().nullable(),
    meeting_scheduled_at: z.string().nullable(),
    role: MemberRole,
    status: InvitationStatus,
    invited_by_name: z.string().nullable(),
    accepted_identity_id: z.uuid().nullable(),
    expires_at: z.string(),
    created_at: z.string(),
  })
  .meta({ id: 'MyInvitation' });
export const MyInvitationList = z.object({ data: z.array(MyInvitation) }).meta({ id: 'MyInvitationList' });
export const MyInvitationsQuery = z.object({ status: InvitationStatus.optional() });
/** Accepts with one of the signed-in user's identities (not the dataspace's owner identity). */
export const InvitationAccept = z.object({ identity_id: z.uuid() }).meta({ id: 'InvitationAccept' });
export const InvitationAccepted = z
  .object({
    invitation: Invitation,
    membership: Membership.nullable(),
    participant: MeetingParticipant.nullable(),
  })
  .meta({ id: 'InvitationAccepted' });

export const ShareLink = t.shareLinksRow.meta({ id: 'ShareLink' });
export const ShareLinkCreate = z
  .object({
    role: z.enum(['viewer', 'participant', 'editor']),
    meeting_id: z.uuid().optional().meta({ description: 'a link to one meeting (viewer or participant)' }),
    expires_in_hours: Hours(720, 168).meta({ description: 'default 7 days, at most 30' }),
    max_uses: z.number().int().min(1).max(10000).optional(),
  })
  .meta({ id: 'ShareLinkCreate' });
/** The token is in this answer only (the database keeps its SHA-256); `path` is the client's join route. */
export const ShareLinkCreated = z
  .object({ link: ShareLink, token: z.string(), path: z.string() })
  .meta({ id: 'ShareLinkCreated' });
export const LinkRedeem = z
  .object({ token: z.string().min(1).max(200), identity_id: z.uuid() })
  .meta({ id: 'LinkRedeem' });
export const LinkRedeemed = z
  .object({
    dataspace_id: z.uuid(),
    meeting_id: z.uuid().nullable(),
    role: MemberRole,
    membership: Membership.nullable(),
    participant: MeetingParticipant.nullable(),
  })
  .meta({ id: 'LinkRedeemed' });

/** What a new user has to act with: its identity, sphere, starter dataspace and token balance. */
export const OnboardingCreate = z
  .object({ display_name: z.string().trim().min(1).max(120).optional() })
  .meta({ id: 'OnboardingCreate' });
export const Onboarded = z
  .object({
    identity_id: z.uuid(),
    sphere_id: z.uuid().nullable(),
    dataspace_id: z.uuid().nullable(),
    balance: z.number(),
    refresh_session: z.literal(true),
  })
  .meta({ id: 'Onboarded' });

/** The client route a share link's token opens (the client reads the token from it). */
export function joinPath(token: string): string {
  return `/join/${token}`;
}
