/**
 * JWTs of local auth: HS256 with the local secret and Supabase's claim shape, and the project's
 * anon / service_role keys (long-lived JWTs with only a role), as `supabase start` prints them.
 */
import { SignJWT, type JWTPayload } from 'jose';
import {
  createAccessTokenVerifier,
  importHmacKey,
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

/** Local auth's signing key per secret, imported once (see `importHmacKey`). */
const signingKeys = new Map<string, Promise<CryptoKey>>();

function signingKey(secret: string): Promise<CryptoKey> {
  let key = signingKeys.get(secret);
  if (!key) signingKeys.set(secret, (key = importHmacKey(secret, 'sign')));
  return key;
}

/** Signs claims as an HS256 JWT. */
export async function signJwt(claims: JWTPayload, secret: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(await signingKey(secret));
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
    anonKey: await signJwt({ ...base, role: 'anon' }, secret),
    serviceRoleKey: await signJwt({ ...base, role: 'service_role' }, secret),
  };
}
