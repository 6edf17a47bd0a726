/**
 * Onboarding on a hosted project (issue 14): Supabase Auth creates the auth user, then the client
 * calls `POST /onboarding` once signed in and refreshes its session. It completes, idempotently,
 * what the user lacks to act at once: the profile, a default identity with its token account, a
 * personal sphere, a starter dataspace, and the free plan's first tokens granted through the ledger
 * (private.onboard_me). Local auth does the same at sign-up (private.provision_user).
 */
import * as s from '../../../shared/api/sharing.ts';
import { mapped } from '../_shared/crud.ts';
import { EdgeFunction } from '../_shared/edgeFunction.ts';

const fn = new EdgeFunction('onboarding');

fn.route(
  {
    method: 'post',
    path: '',
    summary:
      'Complete my onboarding (idempotent): identity, sphere, starter dataspace, the free plan’s tokens',
    tag: 'identities',
    body: s.OnboardingCreate,
    response: { status: 200, schema: s.Onboarded },
    access: 'user',
  },
  async ({ body, caller, db }) => {
    const done = await mapped('write', () =>
      db.withUser(caller.claims, async (tx) => {
        const [row] = await tx<{ r: Record<string, unknown> }[]>`
          select private.onboard_me(${body.display_name ?? null}) as r`;
        return row!.r;
      }),
    );
    return { ...done, balance: Number(done.balance ?? 0), refresh_session: true as const };
  },
);

export default fn;
