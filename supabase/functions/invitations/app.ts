/**
 * Invitations as their invitee sees them (issue 14): the ones addressed to the signed-in user's
 * confirmed e-mail, whichever of their identities asks; accept with one of their identities,
 * decline; and revoke (the inviter, a host, or an editor for a meeting invitation). Invitations are
 * made under the place they invite to: `POST /dataspaces/{id}/invitations`,
 * `POST /meetings/{meeting_id}/invitations`. They reach the invitee live as notifications of the
 * presence room (`invitation.received`).
 */
import { IdParam } from '../../../shared/api/common.ts';
import * as s from '../../../shared/api/sharing.ts';
import * as t from '../../../shared/api/tables.generated.ts';
import { mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('invitations');
const TAG = 'sharing';

fn.route(
  {
    method: 'get',
    path: '',
    summary: 'List the invitations addressed to me (newest first, at most 200)',
    tag: TAG,
    query: s.MyInvitationsQuery,
    response: { status: 200, schema: s.MyInvitationList },
  },
  async ({ query, caller, db }) => {
    const rows = await mapped('read', () =>
      db.userStatement(
        caller.claims,
        (sql) => sql<{ r: unknown }[]>`
        select to_jsonb(i) as r from private.my_invitations(${query.status ?? null}) i`,
      ),
    );
    return { data: rows.map((x) => x.r) };
  },
);

/** An invitation row as the API answers it: `status` reads `expired` past the expiry. */
const withStatus = (row: Record<string, unknown>, now: string) => ({
  ...row,
  status:
    row.status === 'pending' && Date.parse(String(row.expires_at)) <= Date.parse(now)
      ? 'expired'
      : row.status,
});
const COLUMNS = Object.keys(t.invitationsRow.shape);

fn.route(
  {
    method: 'post',
    path: '/{id}/accept',
    summary: 'Accept an invitation with one of my identities: a membership, or a seat in the meeting',
    tag: TAG,
    params: IdParam,
    body: s.InvitationAccept,
    response: { status: 200, schema: s.InvitationAccepted },
    access: 'user',
  },
  async ({ params, body, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ r: Record<string, unknown> }[]>`
          select private.accept_invitation(${params.id}, ${body.identity_id}) as r`;
        return row!.r;
      }),
    ),
);

fn.route(
  {
    method: 'post',
    path: '/{id}/decline',
    summary: 'Decline an invitation addressed to me',
    tag: TAG,
    params: IdParam,
    response: { status: 200, schema: s.Invitation },
    access: 'user',
  },
  async ({ params, caller, db }) =>
    mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ r: Record<string, unknown>; now: string }[]>`
          select to_jsonb(i) as r, now()::text as now from private.decline_invitation(${params.id}) i`;
        return withStatus(pick(row!.r), row!.now);
      }),
    ),
);

fn.route(
  {
    method: 'delete',
    path: '/{id}',
    summary: 'Revoke a pending invitation (its inviter, a host; an editor for a meeting invitation)',
    tag: TAG,
    params: IdParam,
    response: { status: 204 },
    access: 'user',
  },
  async ({ params, caller, db }) => {
    await mapped('write', () =>
      db.withUser(caller.claims, (tx) => tx`select 1 from private.revoke_invitation(${params.id})`),
    );
    return null;
  },
);

function pick(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(COLUMNS.map((c) => [c, row[c]]));
}

export default fn;
