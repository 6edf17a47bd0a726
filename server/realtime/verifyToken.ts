import { errors, jwtVerify } from 'jose';
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

/** Verifies HS256 Supabase JWTs with the local secret (or the project's JWT secret). */
export function createTokenVerifier(secret: string): (token: string | undefined) => Promise<Claims> {
  const key = new TextEncoder().encode(secret);
  return async (token) => {
    if (!token) throw new AuthError('realtime: no access token; sign in and pass the session token');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, key, { algorithms: ['HS256'] }));
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
