import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

/** Signature algorithms accepted with the HS256 secret (local auth, a project's legacy secret). */
export const SECRET_ALGORITHMS = ['HS256'] as const;
/** Signature algorithms accepted from a JWKS (Supabase Auth's asymmetric signing keys). */
export const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

/**
 * Where the keys of access tokens come from. A JWKS URL, when set, is the only source: tokens are
 * then verified against its keys and an HS256 token is refused, whatever the secret says.
 */
export interface AccessTokenKeys {
  /** HS256 secret: local auth's, or a project's legacy JWT secret. */
  secret?: string;
  /** Supabase Auth's JWKS, e.g. `https://<ref>.supabase.co/auth/v1/.well-known/jwks.json`. */
  jwksUrl?: string;
}

/** Why a token was refused: absent, past its `exp`, or anything else (signature, algorithm, shape). */
export const ACCESS_TOKEN_REFUSALS = { missing: 'missing', expired: 'expired', invalid: 'invalid' } as const;
/** A reason from {@link ACCESS_TOKEN_REFUSALS}. */
export type AccessTokenRefusal = (typeof ACCESS_TOKEN_REFUSALS)[keyof typeof ACCESS_TOKEN_REFUSALS];

/** A refused access token; each caller turns it into its own error (room refusal, HTTP 401). */
export class AccessTokenError extends Error {
  constructor(
    readonly reason: AccessTokenRefusal,
    options?: { cause?: unknown },
  ) {
    super(`access token ${reason}`, options);
    this.name = 'AccessTokenError';
  }
}

/** A verified token's claims: whatever it carries, with `exp` always present. */
export type VerifiedClaims = JWTPayload & { exp: number };

/** Verifies one access token; rejects with {@link AccessTokenError}. */
export type AccessTokenVerifier = (token: string | undefined | null) => Promise<VerifiedClaims>;

/**
 * The one verifier of access tokens for the realtime server, the gateway and the edge functions
 * (browser, Node and Deno alike), so all of them accept exactly the same tokens: the project's JWKS
 * when `jwksUrl` is set (keys fetched and cached by jose, rotated keys picked up by `kid`), else
 * the HS256 secret; the algorithms of that source only (never `none`, never HS256 from a JWKS);
 * and an `exp` claim is required, not merely checked when present.
 */
export function createAccessTokenVerifier(keys: AccessTokenKeys): AccessTokenVerifier {
  const { secret, jwksUrl } = keys;
  if (!secret && !jwksUrl) {
    throw new TypeError('createAccessTokenVerifier: a secret or a JWKS URL is required');
  }
  const options = { requiredClaims: ['exp'] };
  let verify: (token: string) => Promise<JWTPayload>;
  if (jwksUrl) {
    const jwks = createRemoteJWKSet(new URL(jwksUrl));
    const algorithms = [...JWKS_ALGORITHMS];
    verify = async (token) => (await jwtVerify(token, jwks, { ...options, algorithms })).payload;
  } else {
    // imported once: a raw secret would be imported again on every verification
    let hmacKey: Promise<CryptoKey> | undefined;
    const algorithms = [...SECRET_ALGORITHMS];
    verify = async (token) => {
      hmacKey ??= crypto.subtle.importKey(
        'raw',
        new TextEncoder().encode(secret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['verify'],
      );
      return (await jwtVerify(token, await hmacKey, { ...options, algorithms })).payload;
    };
  }
  return async (token) => {
    if (!token) throw new AccessTokenError(ACCESS_TOKEN_REFUSALS.missing);
    try {
      return (await verify(token)) as VerifiedClaims;
    } catch (error) {
      const reason =
        error instanceof errors.JWTExpired ? ACCESS_TOKEN_REFUSALS.expired : ACCESS_TOKEN_REFUSALS.invalid;
      throw new AccessTokenError(reason, { cause: error });
    }
  };
}
