import { z } from 'zod';
import {
  AccessTokenError,
  createAccessTokenVerifier,
  type AccessTokenKeys,
} from '../../shared/auth/verifyAccessToken.ts';
import type { Claims } from '../../supabase/functions/_shared/dataAccess.ts';

/** Claims a realtime client must carry: Supabase's shape plus the active identity. */
const RoomClaims = z.object({
  sub: z.uuid(),
  role: z.literal('authenticated'),
  identity_id: z.uuid(),
  exp: z.number(),
});

/** Claims of a verified realtime token: `exp` (seconds) is always there, rooms evict at it. */
export type RoomTokenClaims = Claims & { exp: number; identity_id: string };

/** A refused token, with a reason safe to show the client. */
export class AuthError extends Error {
  readonly code = 'unauthenticated';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuthError';
  }
}

/** Where the keys come from (shared/auth): a JWKS URL wins over the secret; who issues tokens. */
export type TokenKeys = AccessTokenKeys;

/**
 * Verifies realtime clients' Supabase JWTs with the verifier every part of the product shares
 * (shared/auth/verifyAccessToken.ts), then requires an authenticated user and an active identity.
 */
export function createTokenVerifier(
  keys: TokenKeys | string,
): (token: string | undefined) => Promise<RoomTokenClaims> {
  const verifyJwt = createAccessTokenVerifier(typeof keys === 'string' ? { secret: keys } : keys);
  return async (token) => {
    let payload: unknown;
    try {
      payload = await verifyJwt(token);
    } catch (error) {
      const reason = error instanceof AccessTokenError ? error.reason : 'invalid';
      throw new AuthError(
        reason === 'missing'
          ? 'realtime: no access token; sign in and pass the session token'
          : `realtime: access token ${reason}; refresh the session`,
        { cause: error },
      );
    }
    const parsed = RoomClaims.safeParse(payload);
    if (!parsed.success) {
      throw new AuthError('realtime: token lacks an authenticated user and an active identity_id');
    }
    return { ...(payload as Record<string, unknown>), ...parsed.data };
  };
}
