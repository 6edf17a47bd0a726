import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { Claims } from '../db/dataAccess.ts';

/** Claims a realtime client must carry: Supabase's shape plus the active identity. */
const RoomClaims = z.object({
  sub: z.uuid(),
  role: z.literal('authenticated'),
  identity_id: z.uuid(),
  exp: z.number(),
});

/** A refused token, with a reason safe to show the client. */
export class AuthError extends Error {
  readonly code = 'unauthenticated';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthError';
  }
}

/** Where the keys come from: a JWKS URL (a hosted project's asymmetric keys) wins over the secret. */
export interface TokenKeys {
  /** HS256 secret: local auth's, or a project's legacy JWT secret. */
  secret?: string;
  /** Supabase Auth's JWKS, e.g. https://<ref>.supabase.co/auth/v1/.well-known/jwks.json */
  jwksUrl?: string;
}

/**
 * Verifies Supabase JWTs: against the project's JWKS when `jwksUrl` is set (keys fetched and cached
 * by jose, rotated keys picked up by `kid`), otherwise HS256 with the secret.
 */
export function createTokenVerifier(
  keys: TokenKeys | string,
): (token: string | undefined) => Promise<Claims> {
  const { secret, jwksUrl } = typeof keys === 'string' ? { secret: keys, jwksUrl: undefined } : keys;
  if (!secret && !jwksUrl) throw new TypeError('createTokenVerifier: a secret or a JWKS URL is required');
  const verifyJwt: (token: string) => Promise<JWTPayload> = jwksUrl
    ? (() => {
        const jwks = createRemoteJWKSet(new URL(jwksUrl));
        return async (token) =>
          (await jwtVerify(token, jwks, { algorithms: ['RS256', 'ES256', 'EdDSA'] })).payload;
      })()
    : (() => {
        const key = new TextEncoder().encode(secret);
        return async (token) => (await jwtVerify(token, key, { algorithms: ['HS256'] })).payload;
      })();
  return async (token) => {
    if (!token) throw new AuthError('realtime: no access token; sign in and pass the session token');
    let payload: unknown;
    try {
      payload = await verifyJwt(token);
    } catch (error) {
      const reason = error instanceof errors.JWTExpired ? 'expired' : 'invalid';
      throw new AuthError(`realtime: access token ${reason}; refresh the session`, { cause: error });
    }
    const parsed = RoomClaims.safeParse(payload);
    if (!parsed.success) {
      throw new AuthError('realtime: token lacks an authenticated user and an active identity_id');
    }
    return { ...(payload as Record<string, unknown>), ...parsed.data };
  };
}
