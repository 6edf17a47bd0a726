/** Identities: the signed-in user's personas, and switching the session's active identity. */
import { IdParam } from '../../../shared/api/common.ts';
import { Identity, IdentityCreate, IdentitySwitch, IdentityUpdate } from '../../../shared/api/resources.ts';
import { crud, mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('identities');
crud(fn, {
  path: '',
  table: 'public.identities',
  owner: 'user',
  noun: 'identity',
  tag: 'identities',
  row: Identity,
  create: IdentityCreate,
  update: IdentityUpdate,
  verbs: ['list', 'get', 'create', 'update', 'delete'],
  serverValues: (caller) => ({ user_id: caller.claims.sub }),
});

/**
 * Makes an identity the session's active one (ownership checked by private.switch_identity). The
 * client then refreshes its session (`supabase.auth.refreshSession()`) to get a token whose
 * `identity_id` claim names it — the same flow as on a hosted project with the access token hook.
 */
fn.route(
  {
    method: 'post',
    path: '/{id}/switch',
    summary: 'Switch the active identity of the session',
    tag: 'identities',
    params: IdParam,
    response: { status: 200, schema: IdentitySwitch },
    access: 'user',
  },
  async ({ params, caller, db }) => {
    const identity = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ r: unknown }[]>`select to_jsonb(private.switch_identity(${params.id})) as r`;
        return row!.r;
      }),
    );
    return { identity, refresh_session: true };
  },
);

export default fn;
