/**
 * Who a request is: a user JWT (Supabase's claim shape, HS256 with the local secret or verified
 * against Supabase Auth's JWKS) or an API key (`x-api-key: chenu_…`, or as the bearer token).
 * Either yields the claims `withUser` runs the request with; RLS does the rest.
 */
import type { JWTPayload } from 'jose';
import {
  AccessTokenError,
  authIssuer,
  createAccessTokenVerifier,
  type AccessTokenVerifier,
} from '../../../shared/auth/verifyAccessToken.ts';
import type { Claims } from './dataAccess.ts';
import { config } from './config.ts';
import { database } from './db.ts';
import { ApiError } from './errors.ts';

/** The authenticated caller of a request. */
export interface Caller {
  claims: Claims & { sub: string };
  /** Set when the request came with an API key: its id and scoped permissions. */
  apiKey?: { id: string; permissions: string[] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** API keys: `chenu_<8 chars>_<secret>`; the first 14 characters are the visible prefix. */
export const API_KEY_PATTERN = /^chenu_[a-z0-9]{8}_[A-Za-z0-9_-]{32,64}$/;
/** last_used_at is written at most this often per key, so reads do not become writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

let verifier: AccessTokenVerifier | undefined;

/**
 * The access token's claims, verified by the verifier the realtime server and the gateway share
 * (shared/auth): the project's JWKS when CHENU_JWKS_URL is set (or defaulted because no secret
 * is), else the HS256 secret; algorithms allow-listed per source, `exp` required; a user's token
 * for `aud` authenticated, from the project's issuer (`authIssuer`, the same precedence as realtime).
 */
async function verifyJwt(token: string): Promise<JWTPayload> {
  const { CHENU_JWT_SECRET, CHENU_JWKS_URL, CHENU_JWT_ISSUER, SUPABASE_URL } = config();
  verifier ??= createAccessTokenVerifier({
    secret: CHENU_JWT_SECRET,
    jwksUrl: CHENU_JWKS_URL,
    issuer: authIssuer({ issuer: CHENU_JWT_ISSUER, jwksUrl: CHENU_JWKS_URL, projectUrl: SUPABASE_URL }),
  });
  try {
    return await verifier(token);
  } catch (error) {
    const expired = error instanceof AccessTokenError && error.reason === 'expired';
    throw new ApiError('unauthorized', expired ? 'the access token has expired' : 'invalid access token');
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hash under which an API key is stored (the key itself never is). */
export const hashApiKey = sha256Hex;

async function fromApiKey(key: string): Promise<Caller> {
  if (!API_KEY_PATTERN.test(key)) throw new ApiError('unauthorized', 'malformed API key');
  const hash = await sha256Hex(key);
  const row = await database().data.withService(async (tx) => {
    const [k] = await tx<
      { id: string; identity_id: string; user_id: string; permissions: string[]; stale: boolean }[]
    >`
      select id, identity_id, user_id, permissions,
             coalesce(last_used_at < now() - make_interval(secs => ${LAST_USED_RESOLUTION_MS / 1000}), true) as stale
      from public.api_keys
      where key_hash = ${hash} and revoked_at is null and (expires_at is null or expires_at > now())`;
    if (k?.stale) await tx`update public.api_keys set last_used_at = now() where id = ${k.id}`;
    return k;
  });
  if (!row) throw new ApiError('unauthorized', 'unknown, expired or revoked API key');
  return {
    claims: {
      role: 'authenticated',
      aud: 'authenticated',
      sub: row.user_id,
      identity_id: row.identity_id,
      api_key_id: row.id,
    },
    apiKey: { id: row.id, permissions: row.permissions },
  };
}

/**
 * The caller of a request, or undefined for an anonymous one (no token, or the project's anon key).
 * A bad token is a 401, never a silent downgrade to anonymous.
 */
export async function identifyCaller(headers: Headers): Promise<Caller | undefined> {
  const apiKey = headers.get('x-api-key');
  const bearer = headers
    .get('authorization')
    ?.match(/^Bearer\s+(.+)$/i)?.[1]
    ?.trim();
  if (apiKey) return fromApiKey(apiKey);
  if (!bearer) return undefined;
  if (bearer.startsWith('chenu_')) return fromApiKey(bearer);
  const payload = await verifyJwt(bearer);
  if (payload.role === 'anon') return undefined;
  if (payload.role !== 'authenticated' || typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
    throw new ApiError('unauthorized', 'the token does not name an authenticated user');
  }
  return { claims: { ...(payload as Claims), role: 'authenticated', sub: payload.sub } };
}

/** Whether an API key's permissions allow `action` on `group` (`group:action`, `group:*`, `all:*`). */
export function permits(permissions: string[], group: string, action: 'read' | 'write'): boolean {
  return permissions.some((p) => {
    const [g, a] = p.split(':');
    return (g === group || g === 'all') && (a === action || a === '*');
  });
}
