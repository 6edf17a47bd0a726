/**
 * Share links (issue 14): redeem one with an identity of my choice, or revoke one. Links are made
 * under their dataspace (`POST /dataspaces/{id}/links`, the token shown once). A token that is
 * unknown, revoked, expired or used up is answered alike (404), and every attempt counts towards
 * an hourly limit per user (429), so tokens cannot be probed.
 */
import { IdParam } from '../../../shared/api/common.ts';
import * as s from '../../../shared/api/sharing.ts';
import { mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';
import { ApiError } from '../_shared/errors.ts';

const fn = new EdgeFunction('links');
const TAG = 'sharing';

fn.route(
  {
    method: 'post',
    path: '/redeem',
    summary: 'Redeem a share link with one of my identities: a membership, or a seat in its meeting',
    tag: TAG,
    body: s.LinkRedeem,
    response: { status: 200, schema: s.LinkRedeemed },
    access: 'user',
    // at most sharing_limits() an hour per user
    errors: ['rate_limited'],
  },
  async ({ body, caller, db }) => {
    // committed even when refused: the attempt counts towards the hourly limit
    const result = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ r: Record<string, unknown> & { redeemed: boolean } }[]>`
          select private.redeem_share_link(${body.token}, ${body.identity_id}) as r`;
        return row!.r;
      }),
    );
    if (!result.redeemed) throw new ApiError('not_found', 'link not found, or no longer valid');
    return result;
  },
);

fn.route(
  {
    method: 'delete',
    path: '/{id}',
    summary: 'Revoke a share link: everyone who joined through it leaves at once',
    tag: TAG,
    params: IdParam,
    response: { status: 204 },
    access: 'user',
  },
  async ({ params, caller, db }) => {
    await mapped('write', () =>
      db.withUser(caller.claims, (tx) => tx`select 1 from private.revoke_share_link(${params.id})`),
    );
    return null;
  },
);

export default fn;
