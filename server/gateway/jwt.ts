/**
 * JWTs of local auth: HS256 with the local secret and Supabase's claim shape, and the project's
 * anon / service_role keys (long-lived JWTs with only a role), as `supabase start` prints them.
 */
import { createSigner } from 'fast-jwt';
import type { JWTPayload } from 'jose';
import {
  createAccessTokenVerifier,
  type AccessTokenVerifier,
  type VerifiedClaims,
} from '../../shared/auth/verifyAccessToken.ts';

/** The API keys of the local project (what a hosted project shows under Settings → API). */
export interface ProjectKeys {
  anonKey: string;
  serviceRoleKey: string;
}

/** Expiry of the project keys: fixed, so the anon key is the same on every start. */
const PROJECT_KEY_EXP = 1983812996;

/** Local auth's signers per secret (fast-jwt's, made once): for claims with an `iat`, and without. */
const signers = new Map<
  string,
  { timed: (claims: JWTPayload) => string; untimed: (claims: JWTPayload) => string }
>();

/**
 * Signs claims as an HS256 JWT (header `{"alg":"HS256","typ":"JWT"}`), the claims exactly as given.
 * Signed on the calling thread with node:crypto's HMAC (fast-jwt), a few microseconds: WebCrypto
 * (jose) runs every HMAC as a job on libuv's thread pool, where a sign-in's token then waited behind
 * the other sign-ins' bcrypt jobs (tens of milliseconds each) and the answers went out in a clump
 * (bench:auth). fast-jwt keeps a given `iat` and adds the clock's when there is none, or drops it
 * with `noTimestamp`: the project keys have none and must stay the same on every start, a session
 * token always has the hook's. Verifying stays with shared/auth's verifier.
 */
export function signJwt(claims: JWTPayload, secret: string): string {
  let sign = signers.get(secret);
  if (!sign) {
    sign = {
      timed: createSigner({ key: secret, algorithm: 'HS256' }),
      untimed: createSigner({ key: secret, algorithm: 'HS256', noTimestamp: true }),
    };
    signers.set(secret, sign);
  }
  return claims.iat === undefined ? sign.untimed(claims) : sign.timed(claims);
}

const verifiers = new Map<string, AccessTokenVerifier>();

/**
 * Verifies a JWT local auth issued (HS256 with its secret, its `iss`) with the verifier the realtime
 * server and the functions share (shared/auth): HS256 only, `exp` required, a user's token for
 * `aud` authenticated from `issuer`; throws on a bad signature, a missing `exp`, an expired token or
 * another audience or issuer. Local auth only ever holds the secret: a deployment that names a JWKS
 * verifies with it everywhere else, and local auth's tokens are then refused there.
 */
export function verifyJwt(token: string, secret: string, issuer: string): Promise<VerifiedClaims> {
  const cacheKey = `${issuer} ${secret}`;
  let verify = verifiers.get(cacheKey);
  if (!verify) verifiers.set(cacheKey, (verify = createAccessTokenVerifier({ secret, issuer })));
  return verify(token);
}

/** The anon and service_role keys for `secret` (deterministic). */
export async function projectKeys(secret: string): Promise<ProjectKeys> {
  const base = { iss: 'supabase-demo', exp: PROJECT_KEY_EXP };
  return {
    anonKey: signJwt({ ...base, role: 'anon' }, secret),
    serviceRoleKey: signJwt({ ...base, role: 'service_role' }, secret),
  };
}
