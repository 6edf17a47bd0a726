/**
 * A thread Alice owns in a dataspace she shared with Bob, made through the real API (two signed-up
 * users, an invitation by e-mail accepted by Bob's identity), for suites that need a member reading
 * the owner's thread. Alice is credited through the ledger so her runs are never refused for money.
 */
import type { Sql } from 'postgres';
import type { User } from '../api/apiHarness.ts';

/** An intent the summarizer (a built-in agent) reads: no reviewer needed, settles at once. */
export const SUMMARIZE = "Peux-tu résumer ce fil de discussion, en liste à puces s'il te plaît ?";

/** Alice's shared place: the dataspace, its thread, and Bob's membership id. */
export interface SharedThread {
  space: string;
  thread: string;
  membership: string;
}

function ok<T>(r: { status: number; body: unknown }, status: number): T {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as T;
}

/** Alice makes a dataspace and a thread with one message, invites Bob (`role`), Bob accepts. */
export async function shareThread(
  sql: Sql,
  alice: User,
  bob: User,
  role: 'viewer' | 'participant' = 'participant',
): Promise<SharedThread> {
  await sql`select private.ledger_credit(${alice.identityId}::uuid, 50000, ${`runs-credit-${alice.id}`}, 'manual', null)`;
  const sphere = ok<{ data: { id: string }[] }>(await alice.call('GET', '/spheres'), 200).data[0]!.id;
  const space = ok<{ id: string }>(
    await alice.call('POST', '/dataspaces', { body: { sphere_id: sphere, name: 'Chantier partagé' } }),
    201,
  ).id;
  const thread = ok<{ id: string }>(
    await alice.call('POST', '/threads', { body: { dataspace_id: space, title: 'Toiture' } }),
    201,
  ).id;
  ok(
    await alice.call('POST', '/threads/{thread_id}/messages', {
      params: { thread_id: thread },
      body: { body: 'Bardeaux ou tôle ? Le couvreur passe jeudi.' },
    }),
    201,
  );
  const invitation = ok<{ id: string }>(
    await alice.call('POST', '/dataspaces/{id}/invitations', {
      params: { id: space },
      body: { email: bob.email, role },
    }),
    201,
  ).id;
  const accepted = ok<{ membership: { id: string } }>(
    await bob.call('POST', '/invitations/{id}/accept', {
      params: { id: invitation },
      body: { identity_id: bob.identityId },
    }),
    200,
  );
  return { space, thread, membership: accepted.membership.id };
}

/** The catalog id of the agent `slug`. */
export async function agentId(user: User, slug: string): Promise<string> {
  const agents = ok<{ data: { id: string; slug: string }[] }>(await user.call('GET', '/agents'), 200).data;
  const agent = agents.find((a) => a.slug === slug);
  if (!agent) throw new Error(`no agent ${slug}`);
  return agent.id;
}
