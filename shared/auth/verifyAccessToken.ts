import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';

/** Signature algorithms accepted with the HS256 secret (local auth, a project's legacy secret). */
export const SECRET_ALGORITHMS = ['HS256'] as const;
/** Signature algorithms accepted from a JWKS (Supabase Auth's asymmetric signing keys). */
export const JWKS_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;

/** The `aud` of a user's access token (Supabase Auth's, for every signed-in session). */
export const USER_AUDIENCE = 'authenticated';
/** Roles of the project's API keys (anon, service_role): JWTs that name no user and carry no `aud`. */
export const PROJECT_KEY_ROLES: readonly string[] = ['anon', 'service_role'];

const JWKS_PATH = '/.well-known/jwks.json';

/**
 * Where the keys of access tokens come from, and who issues them. A JWKS URL, when set, is the only
 * source: tokens are then verified against its keys and an HS256 token is refused, whatever the
 * secret says.
 */
export interface AccessTokenKeys {
  /** HS256 secret: local auth's, or a project's legacy JWT secret. */
  secret?: string;
  /** Supabase Auth's JWKS, e.g. `https://<ref>.supabase.co/auth/v1/.well-known/jwks.json`. */
  jwksUrl?: string;
  /**
   * The `iss` every user token must carry: Supabase Auth's URL, `https://<ref>.supabase.co/auth/v1`
   * (local auth: `http://127.0.0.1:<port>/auth/v1`). Default: the JWKS URL less
   * `/.well-known/jwks.json` (where Supabase Auth publishes its keys); with a secret alone and no
   * issuer, `iss` is not checked.
   */
  issuer?: string;
}

/**
 * The issuer of a project's user tokens, by one precedence everywhere: the issuer configured, else
 * the one the JWKS URL names, else Supabase Auth's path under the project's URL (`<url>/auth/v1`:
 * the local gateway's URL for local auth, `SUPABASE_URL` in the functions).
 */
export function authIssuer(source: {
  issuer?: string;
  jwksUrl?: string;
  projectUrl?: string;
}): string | undefined {
  if (source.issuer) return source.issuer;
  const fromJwks = source.jwksUrl ? issuerOfJwksUrl(source.jwksUrl) : undefined;
  if (fromJwks || !source.projectUrl) return fromJwks;
  return new URL('/auth/v1', source.projectUrl).href;
}

/** The issuer whose keys a Supabase Auth JWKS URL publishes (`<issuer>/.well-known/jwks.json`). */
export function issuerOfJwksUrl(jwksUrl: string): string | undefined {
  const url = new URL(jwksUrl);
  if (!url.pathname.endsWith(JWKS_PATH) || url.search) return undefined;
  url.pathname = url.pathname.slice(0, -JWKS_PATH.length);
  return url.href.replace(/\/$/, '');
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
 * an `exp` claim is required, not merely checked when present. A token that names a user (any role
 * but the project keys' anon and service_role) must be for {@link USER_AUDIENCE} and, when an issuer
 * is known, from that issuer.
 */
export function createAccessTokenVerifier(keys: AccessTokenKeys): AccessTokenVerifier {
  const { secret, jwksUrl } = keys;
  if (!secret && !jwksUrl) {
    throw new TypeError('createAccessTokenVerifier: a secret or a JWKS URL is required');
  }
  const issuer = keys.issuer ?? (jwksUrl ? issuerOfJwksUrl(jwksUrl) : undefined);
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
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      const reason =
        error instanceof errors.JWTExpired ? ACCESS_TOKEN_REFUSALS.expired : ACCESS_TOKEN_REFUSALS.invalid;
      throw new AccessTokenError(reason, { cause: error });
    }
    if (!isProjectKey(payload) && !isUserTokenFrom(payload, issuer)) {
      throw new AccessTokenError(ACCESS_TOKEN_REFUSALS.invalid);
    }
    return payload as VerifiedClaims;
  };
}

function isProjectKey(payload: JWTPayload): boolean {
  return typeof payload.role === 'string' && PROJECT_KEY_ROLES.includes(payload.role);
}

/** A user's token: for Supabase Auth's audience, and from the project's issuer when one is known. */
function isUserTokenFrom(payload: JWTPayload, issuer: string | undefined): boolean {
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  return audiences.includes(USER_AUDIENCE) && (issuer === undefined || payload.iss === issuer);
}
