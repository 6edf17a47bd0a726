import type { SupabaseClient } from '@supabase/supabase-js';
import type { z } from 'zod';
import type { ErrorBody } from '../../shared/api/common.ts';
import type * as g from '../../shared/api/governed.ts';
import type * as r from '../../shared/api/resources.ts';
import type * as sh from '../../shared/api/sharing.ts';

/**
 * The CHE·NU API as the client calls it: every route through `supabase.functions.invoke` (no
 * PostgREST, so never `from()`), failures as ApiError carrying the API's `{ error: { code, message } }`.
 */

export type Identity = z.infer<typeof r.Identity>;
export type SphereCreate = z.input<typeof r.SphereCreate>;
export type DataspaceCreate = z.input<typeof r.DataspaceCreate>;
export type DataspaceUpdate = z.input<typeof r.DataspaceUpdate>;
export type ThreadCreate = z.input<typeof r.ThreadCreate>;
export type ThreadUpdate = z.input<typeof r.ThreadUpdate>;
export type MeetingCreate = z.input<typeof r.MeetingCreate>;
export type MeetingUpdate = z.input<typeof r.MeetingUpdate>;
export type MemoryItemCreate = z.input<typeof r.MemoryItemCreate>;
export type WorkspaceCreate = z.input<typeof r.WorkspaceCreate>;
export type WorkspaceUpdate = z.input<typeof r.WorkspaceUpdate>;
export type Sphere = z.infer<typeof r.Sphere>;
export type Dataspace = z.infer<typeof r.Dataspace>;
export type Thread = z.infer<typeof r.Thread>;
export type Message = z.infer<typeof r.Message>;
export type Decision = z.infer<typeof r.Decision>;
export type BureauConfiguration = z.infer<typeof r.BureauConfiguration>;
export type Meeting = z.infer<typeof r.Meeting>;
export type MeetingTask = z.infer<typeof r.MeetingTask>;
export type MemoryItem = z.infer<typeof r.MemoryItem>;
export type ConstructionProject = z.infer<typeof r.ConstructionProject>;
export type Workspace = z.infer<typeof r.Workspace>;
export type Panel = z.infer<typeof r.Panel>;
/** One version in a workspace's history (the full state after that change). */
export type WorkspaceVersion = z.infer<typeof r.WorkspaceState>;
export type Agent = z.infer<typeof g.Agent>;
export type TokenBalance = z.infer<typeof g.TokenBalance>;
export type TokenTransaction = z.infer<typeof g.TokenTransaction>;
export type ExecutionSuccess = z.infer<typeof g.ExecutionSuccess>;
export type AgentEstimate = z.infer<typeof g.AgentEstimate>;
export type NovaContext = z.infer<typeof g.NovaContext>;
export type ExecutionAwaitingReview = z.infer<typeof g.ExecutionAwaitingReview>;
export type PendingReview = z.infer<typeof g.PendingReview>;
/** One governed run of a thread, as its readers see it. */
export type AgentRun = z.infer<typeof g.AgentRun>;
export type ReviewOutcome = z.infer<typeof g.ReviewOutcome>;
export type SubscriptionPlan = z.infer<typeof r.SubscriptionPlan>;
export type UserSubscription = z.infer<typeof r.UserSubscription>;
// shared spaces (issue 14)
export type MemberRole = z.infer<typeof sh.MemberRole>;
export type MyRole = z.infer<typeof r.MyRole>;
export type Member = z.infer<typeof sh.Member>;
export type Membership = z.infer<typeof sh.Membership>;
export type Invitation = z.infer<typeof sh.Invitation>;
export type MyInvitation = z.infer<typeof sh.MyInvitation>;
export type InvitationAccepted = z.infer<typeof sh.InvitationAccepted>;
export type ShareLink = z.infer<typeof sh.ShareLink>;
export type ShareLinkCreated = z.infer<typeof sh.ShareLinkCreated>;
export type LinkRedeemed = z.infer<typeof sh.LinkRedeemed>;
export type Onboarded = z.infer<typeof sh.Onboarded>;
export interface Page<T> {
  readonly data: T[];
  readonly next_cursor: string | null;
}

/**
 * A refused or failed call, with the API's code (or a transport code) and its message as is. The UI
 * shows the code's sentence (client/i18n/uiError.ts), never the raw code or message.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  /** For logs: `code: message`. */
  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

async function errorOf(error: unknown): Promise<ApiError> {
  const res = (error as { context?: unknown }).context;
  if (res instanceof Response) {
    const text = await res.text().catch(() => '');
    try {
      const body = JSON.parse(text) as z.infer<typeof ErrorBody>;
      if (body?.error?.code) {
        return new ApiError(body.error.code, body.error.message, res.status, body.error.details);
      }
    } catch {
      // not the API's JSON: a gateway or network answer
    }
    return new ApiError('http_' + res.status, text || res.statusText || 'request failed', res.status);
  }
  return new ApiError('network', (error as Error)?.message ?? String(error), 0);
}

/** One API call: `path` is `<function>/<rest>` (e.g. `threads/<id>/messages`). */
export async function call<T>(
  sb: SupabaseClient,
  method: Method,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  let name = path;
  const query = Object.entries(options.query ?? {}).filter(([, v]) => v !== undefined);
  if (query.length > 0) name += `?${new URLSearchParams(query.map(([k, v]) => [k, String(v)])).toString()}`;
  const { data, error } = await sb.functions.invoke(name, {
    method,
    ...(options.body !== undefined ? { body: options.body as Record<string, unknown> } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  if (error) throw await errorOf(error);
  return data as T;
}

/** The typed routes the client uses. */
export function createChenuApi(sb: SupabaseClient) {
  return {
    identities: () => call<Page<Identity>>(sb, 'GET', 'identities'),
    switchIdentity: (id: string) =>
      call<{ identity: Identity; refresh_session: boolean }>(sb, 'POST', `identities/${id}/switch`),
    spheres: () => call<Page<Sphere>>(sb, 'GET', 'spheres'),
    createSphere: (body: SphereCreate) => call<Sphere>(sb, 'POST', 'spheres', { body }),
    dataspaces: (sphereId?: string, limit?: number) =>
      call<Page<Dataspace>>(sb, 'GET', 'dataspaces', { query: { sphere_id: sphereId, limit } }),
    dataspace: (id: string) => call<Dataspace>(sb, 'GET', `dataspaces/${id}`),
    createDataspace: (body: DataspaceCreate) => call<Dataspace>(sb, 'POST', 'dataspaces', { body }),
    /** Renames, describes, archives (`archived_at` = now) or restores (`archived_at` = null). */
    updateDataspace: (id: string, body: DataspaceUpdate) =>
      call<Dataspace>(sb, 'PATCH', `dataspaces/${id}`, { body }),
    threads: (dataspaceId: string, options: { status?: Thread['status']; limit?: number } = {}) =>
      call<Page<Thread>>(sb, 'GET', 'threads', { query: { dataspace_id: dataspaceId, ...options } }),
    thread: (id: string) => call<Thread>(sb, 'GET', `threads/${id}`),
    createThread: (body: ThreadCreate) => call<Thread>(sb, 'POST', 'threads', { body }),
    /** Renames, archives (`status: 'archived'`) or reopens a thread. */
    updateThread: (id: string, body: ThreadUpdate) => call<Thread>(sb, 'PATCH', `threads/${id}`, { body }),
    messages: (threadId: string) =>
      call<Page<Message>>(sb, 'GET', `threads/${threadId}/messages`, { query: { limit: 30 } }),
    /** One page of a thread's messages, newest first (`cursor`: the previous page's `next_cursor`). */
    messagePage: (threadId: string, cursor?: string) =>
      call<Page<Message>>(sb, 'GET', `threads/${threadId}/messages`, { query: { limit: 100, cursor } }),
    postMessage: (threadId: string, body: string) =>
      call<Message>(sb, 'POST', `threads/${threadId}/messages`, { body: { body } }),
    decisions: (threadId: string) => call<Page<Decision>>(sb, 'GET', `threads/${threadId}/decisions`),
    recordDecision: (threadId: string, title: string, rationale?: string) =>
      call<Decision>(sb, 'POST', `threads/${threadId}/decisions`, {
        body: { title, ...(rationale ? { rationale } : {}) },
      }),
    balance: () => call<TokenBalance>(sb, 'GET', 'tokens/balance'),
    transactions: (limit = 100) =>
      call<Page<TokenTransaction>>(sb, 'GET', 'tokens/transactions', { query: { limit } }),
    agents: () => call<Page<Agent>>(sb, 'GET', 'agents', { query: { limit: 100 } }),
    /** Dry run of `execute`: encoded intent, EQS, token estimate, ledger verdict; writes nothing. */
    estimate: (agentId: string, input: { intentText: string; threadId?: string; dataspaceId?: string }) =>
      call<AgentEstimate>(sb, 'POST', `agents/${agentId}/estimate`, { body: input }),
    /** A run, or (HTTP 202) its hold while it waits for a reviewer. */
    execute: (
      agentId: string,
      input: { intentText: string; threadId?: string; dataspaceId?: string; taskType?: string },
      idempotencyKey: string,
    ) =>
      call<ExecutionSuccess | ExecutionAwaitingReview>(sb, 'POST', `agents/${agentId}/execute`, {
        body: input,
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    /** Stops a run of the active identity (held for review, or running). */
    cancelRun: (executionId: string) =>
      call<{ executionId: string; status: string }>(sb, 'POST', `agents/executions/${executionId}/cancel`),
    /** A thread's governed runs, newest first (agent, status, tokens, runner); at most `limit` (1-100). */
    threadRuns: (threadId: string, limit: number) =>
      call<Page<AgentRun>>(sb, 'GET', 'agents/executions', { query: { thread_id: threadId, limit } }),
    /** Runs held for review that the signed-in reviewer may decide (`reviewer: false` for anyone else). */
    reviews: () => call<{ reviewer: boolean; data: PendingReview[] }>(sb, 'GET', 'agents/reviews'),
    decideReview: (executionId: string, decision: 'approve' | 'reject', note?: string) =>
      call<ReviewOutcome>(sb, 'POST', `agents/executions/${executionId}/${decision}`, {
        body: note ? { note } : {},
      }),
    plans: () => call<Page<SubscriptionPlan>>(sb, 'GET', 'subscriptions/plans'),
    subscriptions: () => call<Page<UserSubscription>>(sb, 'GET', 'subscriptions'),
    subscribe: (planId: string) =>
      call<UserSubscription>(sb, 'POST', 'subscriptions', { body: { plan_id: planId } }),
    changePlan: (subscriptionId: string, planId: string) =>
      call<UserSubscription>(sb, 'POST', `subscriptions/${subscriptionId}/change`, {
        body: { plan_id: planId },
      }),
    cancelPlan: (subscriptionId: string) =>
      call<UserSubscription>(sb, 'POST', `subscriptions/${subscriptionId}/cancel`),
    meetings: (dataspaceId: string, limit?: number) =>
      call<Page<Meeting>>(sb, 'GET', 'meetings', { query: { dataspace_id: dataspaceId, limit } }),
    meeting: (id: string) => call<Meeting>(sb, 'GET', `meetings/${id}`),
    createMeeting: (body: MeetingCreate) => call<Meeting>(sb, 'POST', 'meetings', { body }),
    /** Renames, reschedules, changes the agenda or cancels (`status: 'cancelled'`) a meeting. */
    updateMeeting: (id: string, body: MeetingUpdate) =>
      call<Meeting>(sb, 'PATCH', `meetings/${id}`, { body }),
    meetingTasks: (meetingId: string, limit?: number) =>
      call<Page<MeetingTask>>(sb, 'GET', `meetings/${meetingId}/tasks`, { query: { limit } }),
    /** One page of the dataspace's memory items (expired ones are not served: memory law 9). */
    memory: (dataspaceId: string, cursor?: string, status?: MemoryItem['status']) =>
      call<Page<MemoryItem>>(sb, 'GET', 'memory', {
        query: { dataspace_id: dataspaceId, limit: 100, cursor, status },
      }),
    /** One page of the dataspace's construction projects (newest first). */
    constructionProjects: (dataspaceId: string, limit?: number) =>
      call<Page<ConstructionProject>>(sb, 'GET', 'construction/projects', {
        query: { dataspace_id: dataspaceId, limit },
      }),
    /** A note remembered by the human (memory law 3: the source is the user's own entry). */
    createMemory: (body: MemoryItemCreate) => call<MemoryItem>(sb, 'POST', 'memory', { body }),
    workspaces: (dataspaceId: string) =>
      call<Page<Workspace>>(sb, 'GET', 'workspaces', { query: { dataspace_id: dataspaceId, limit: 100 } }),
    createWorkspace: (body: WorkspaceCreate) => call<Workspace>(sb, 'POST', 'workspaces', { body }),
    updateWorkspace: (id: string, body: WorkspaceUpdate) =>
      call<Workspace>(sb, 'PATCH', `workspaces/${id}`, { body }),
    /** Workspaces have no archived state: removing one deletes it with its panels. */
    deleteWorkspace: (id: string) => call<unknown>(sb, 'DELETE', `workspaces/${id}`),
    /** A workspace's versions, newest first (`cursor`: the previous page's `next_cursor`). */
    workspaceHistory: (workspaceId: string, cursor?: string) =>
      call<Page<WorkspaceVersion>>(sb, 'GET', `workspaces/${workspaceId}/history`, {
        query: { limit: 20, cursor },
      }),
    workspacePanels: (workspaceId: string) =>
      call<Page<Panel>>(sb, 'GET', `workspaces/${workspaceId}/panels`, { query: { limit: 100 } }),
    novaContext: (input: { sessionId: string; sphereId?: string; dataspaceId?: string }) =>
      call<NovaContext>(sb, 'POST', 'nova/context', { body: input }),
    novaGuidance: (contextId: string, suggestionId: string, action: 'accepted' | 'dismissed') =>
      call<unknown>(sb, 'POST', 'nova/guidance', { body: { contextId, suggestionId, action } }),
    /** Meeting tasks assigned to the active identity, whoever owns the meeting (the bureau's tasks). */
    assignedTasks: (limit?: number) =>
      call<Page<MeetingTask>>(sb, 'GET', 'bureau/tasks', { query: { limit } }),

    // shared spaces (issue 14) ------------------------------------------------------------------
    /** The dataspaces other identities shared with the active one (each with `my_role`). */
    sharedDataspaces: (limit?: number) =>
      call<Page<Dataspace>>(sb, 'GET', 'dataspaces', { query: { shared: 'true', limit } }),
    /** The owner first, then the members with their roles (identity name and colour, never a user id). */
    members: (dataspaceId: string) =>
      call<{ data: Member[] }>(sb, 'GET', `dataspaces/${dataspaceId}/members`),
    /** Adds an identity the owner already knows (else: invite by e-mail), or sets its role (host). */
    addMember: (dataspaceId: string, identityId: string, role: MemberRole) =>
      call<Membership>(sb, 'POST', `dataspaces/${dataspaceId}/members`, {
        body: { identity_id: identityId, role },
      }),
    changeMemberRole: (dataspaceId: string, membershipId: string, role: MemberRole) =>
      call<Membership>(sb, 'PATCH', `dataspaces/${dataspaceId}/members/${membershipId}`, { body: { role } }),
    /** Removes a member (host), or leaves (the member itself): effective at once. */
    removeMember: (dataspaceId: string, membershipId: string) =>
      call<null>(sb, 'DELETE', `dataspaces/${dataspaceId}/members/${membershipId}`),
    /** The invitations to a dataspace and its meetings (hosts; an inviter sees theirs). */
    dataspaceInvitations: (dataspaceId: string, cursor?: string) =>
      call<Page<Invitation>>(sb, 'GET', `dataspaces/${dataspaceId}/invitations`, { query: { cursor } }),
    invite: (dataspaceId: string, email: string, role: MemberRole, expiresInHours?: number) =>
      call<Invitation>(sb, 'POST', `dataspaces/${dataspaceId}/invitations`, {
        body: { email, role, ...(expiresInHours ? { expires_in_hours: expiresInHours } : {}) },
      }),
    /** Invites someone to one meeting only (they need not be a member). */
    inviteToMeeting: (meetingId: string, email: string, role: 'viewer' | 'participant' = 'participant') =>
      call<Invitation>(sb, 'POST', `meetings/${meetingId}/invitations`, { body: { email, role } }),
    /** The invitations addressed to me (any of my identities sees them). */
    myInvitations: (status?: MyInvitation['status']) =>
      call<{ data: MyInvitation[] }>(sb, 'GET', 'invitations', { query: { status } }),
    acceptInvitation: (invitationId: string, identityId: string) =>
      call<InvitationAccepted>(sb, 'POST', `invitations/${invitationId}/accept`, {
        body: { identity_id: identityId },
      }),
    declineInvitation: (invitationId: string) =>
      call<Invitation>(sb, 'POST', `invitations/${invitationId}/decline`),
    revokeInvitation: (invitationId: string) => call<null>(sb, 'DELETE', `invitations/${invitationId}`),
    links: (dataspaceId: string, cursor?: string) =>
      call<Page<ShareLink>>(sb, 'GET', `dataspaces/${dataspaceId}/links`, { query: { cursor } }),
    /** Makes a share link; `token` (and `path`, the client's join route) appear in this answer only. */
    createLink: (
      dataspaceId: string,
      link: { role: ShareLink['role']; meetingId?: string; expiresInHours?: number; maxUses?: number },
    ) =>
      call<ShareLinkCreated>(sb, 'POST', `dataspaces/${dataspaceId}/links`, {
        body: {
          role: link.role,
          ...(link.meetingId ? { meeting_id: link.meetingId } : {}),
          ...(link.expiresInHours ? { expires_in_hours: link.expiresInHours } : {}),
          ...(link.maxUses ? { max_uses: link.maxUses } : {}),
        },
      }),
    /** Revokes a link: everyone who joined through it leaves at once. */
    revokeLink: (linkId: string) => call<null>(sb, 'DELETE', `links/${linkId}`),
    /** Redeems a link's token with one of my identities (404 for any token that is not valid). */
    redeemLink: (token: string, identityId: string) =>
      call<LinkRedeemed>(sb, 'POST', 'links/redeem', { body: { token, identity_id: identityId } }),
    /** Hosted projects: completes my onboarding (idempotent); then refresh the session. */
    onboard: (displayName?: string) =>
      call<Onboarded>(sb, 'POST', 'onboarding', { body: displayName ? { display_name: displayName } : {} }),
    bureauConfigurations: (sphereId: string) =>
      call<Page<BureauConfiguration>>(sb, 'GET', 'bureau/configurations', { query: { sphere_id: sphereId } }),
    createBureauConfiguration: (body: Partial<BureauConfiguration> & { sphere_id: string }) =>
      call<BureauConfiguration>(sb, 'POST', 'bureau/configurations', { body }),
    updateBureauConfiguration: (id: string, body: Partial<BureauConfiguration>) =>
      call<BureauConfiguration>(sb, 'PATCH', `bureau/configurations/${id}`, { body }),
  };
}

export type ChenuApi = ReturnType<typeof createChenuApi>;

/** The active identity named by an access token's `identity_id` claim (local auth and the hook). */
export function identityOfToken(accessToken: string): string | null {
  const part = accessToken.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { identity_id?: unknown };
    return typeof claims.identity_id === 'string' ? claims.identity_id : null;
  } catch {
    return null;
  }
}
