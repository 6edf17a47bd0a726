/**
 * Shared spaces (issue 14) in a rolled-back scenario: a fresh user with two identities, memberships,
 * seats and links made as the database makes them, so suites never depend on demo sharing rows.
 */
import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';
import type { Scenario } from './rollback.ts';
import { SEED } from './personas.ts';

export const ROLES = ['viewer', 'participant', 'editor', 'host'] as const;
export type Role = (typeof ROLES)[number];
export const RANK: Record<Role, number> = { viewer: 1, participant: 2, editor: 3, host: 4 };

export interface FreshUser {
  user: string;
  email: string;
  /** The user's default identity and its second one. */
  i1: string;
  i2: string;
  as(identity: string): Claims;
}

/** Creates a user (confirmed e-mail) with two identities, as the table owner. */
export async function freshUser(s: Scenario, label = 'carol'): Promise<FreshUser> {
  await s.asOwner();
  const user = crypto.randomUUID();
  const [i1, i2] = [crypto.randomUUID(), crypto.randomUUID()];
  const email = `${label}-${user.slice(0, 8)}@example.test`;
  await s.tx`insert into auth.users (id, email, email_confirmed_at) values (${user}, ${email}, now())`;
  await s.tx`insert into public.users (id, email, display_name) values (${user}, ${email}, ${label})`;
  await s.tx`insert into public.identities (id, user_id, name, is_default)
             values (${i1}, ${user}, ${label}, true), (${i2}, ${user}, ${label + ' pro'}, false)`;
  return {
    user,
    email,
    i1,
    i2,
    as: (identity) => ({ role: 'authenticated', sub: user, identity_id: identity, aud: 'authenticated' }),
  };
}

/** Alice's A1 claims. */
export const A1: Claims = {
  role: 'authenticated',
  sub: SEED.alice,
  identity_id: SEED.a1,
  aud: 'authenticated',
};

/** Ids of every dataspace of `identity`. */
export async function dataspacesOf(s: Scenario, identity: string): Promise<string[]> {
  await s.asOwner();
  const rows = await s.tx<
    { id: string }[]
  >`select id from public.dataspaces where identity_id = ${identity} order by id`;
  return rows.map((r) => r.id);
}

/** Makes `member` a member of each dataspace with `role` (rows as the sharing functions write them). */
export async function addMember(
  s: Scenario,
  dataspaces: string[],
  member: string,
  role: Role,
): Promise<void> {
  await s.asOwner();
  await s.tx`insert into public.dataspace_members (identity_id, dataspace_id, member_identity_id, role)
             select d.identity_id, d.id, ${member}, ${role} from public.dataspaces d where d.id = any(${dataspaces})
             on conflict (dataspace_id, member_identity_id) do update set role = excluded.role`;
}
