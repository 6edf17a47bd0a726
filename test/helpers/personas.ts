import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';

/** The seeded users and identities (supabase/seed.sql). */
export const SEED = {
  alice: 'a0000000-0000-4000-8000-000000000000',
  bob: 'b0000000-0000-4000-8000-000000000000',
  a1: 'a1000000-0000-4000-8000-000000000000',
  a2: 'a2000000-0000-4000-8000-000000000000',
  b1: 'b1000000-0000-4000-8000-000000000000',
  b2: 'b2000000-0000-4000-8000-000000000000',
} as const;

/** Seeded row id: '<owner>000000-0000-4000-8000-<table code><n>'. */
export function seedId(owner: 'a1' | 'a2' | 'b1' | 'b2', tableCode: string, n = 1): string {
  return `${owner}000000-0000-4000-8000-${tableCode}${String(n).padStart(12 - tableCode.length, '0')}`;
}

const userOf = { a1: SEED.alice, a2: SEED.alice, b1: SEED.bob, b2: SEED.bob } as const;

/** Claims of a signed-in user acting as one of their identities (as the gateway would mint them). */
export function asIdentity(identity: keyof typeof userOf): Claims {
  return { role: 'authenticated', sub: userOf[identity], identity_id: SEED[identity], aud: 'authenticated' };
}

export const ANON: Claims = { role: 'anon' };
