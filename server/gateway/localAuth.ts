/**
 * Local auth: the part of Supabase Auth's (GoTrue's) HTTP API that supabase-js uses for email +
 * password sessions — POST /signup, POST /token?grant_type=password|refresh_token, GET /user,
 * PUT /user, POST /logout — and, when a mailer is configured, its mailed links (authMail.ts):
 * sign-up confirmation (then required before a password sign-in), POST /otp (magic link),
 * POST /recover (password reset), POST /resend, and GET|POST /verify where a link lands — on the
 * same auth.users / auth.sessions / auth.refresh_tokens tables. Passwords
 * are bcrypt hashes (compatible with pgcrypto's `crypt(…, gen_salt('bf'))` of the seed); refresh
 * tokens rotate, and presenting an already rotated token revokes its whole session. Access tokens
 * carry Supabase's claims plus `identity_id`, added by public.custom_access_token_hook exactly as
 * Supabase Auth would call it. Sign-up passwords follow `passwordPolicy.ts`; password sign-ins are
 * throttled per account and per address (`signInThrottle.ts`); bcrypt runs on libuv's thread pool
 * (`@node-rs/bcrypt`), never on the event loop the realtime rooms share. FOR LOCAL USE ONLY.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hash as bcryptHash, verify as bcryptVerify } from '@node-rs/bcrypt';
import type { JWTPayload } from 'jose';
import type { Sql, TransactionSql } from 'postgres';
import { z } from 'zod';
import { createAuthMail, safeRedirect, type AuthMailOptions, type LinkKind } from './authMail.ts';
import { signJwt, verifyJwt } from './jwt.ts';
import { checkPassword } from './passwordPolicy.ts';
import { createSignInThrottle, type SignInThrottleOptions } from './signInThrottle.ts';

export interface AuthReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface LocalAuthOptions {
  sql: Sql;
  secret: string;
  accessTokenTtl: number;
  /** The `iss` claim: `<public url>/auth/v1`. */
  issuer: string;
  /** Sign-in throttling limits (defaults in signInThrottle.ts). */
  throttle?: SignInThrottleOptions;
  /** Mailed links (confirmation, magic link, reset); without it those routes answer 501. */
  mail?: AuthMailOptions;
}

interface UserRow {
  id: string;
  aud: string | null;
  role: string | null;
  email: string;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Record<string, unknown>;
  raw_user_meta_data: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const BCRYPT_COST = 10;
/** Compared against when the email is unknown, so both cases take a bcrypt's time (cost 10, of a throwaway string). */
const DUMMY_HASH = '$2b$10$/glSi6jp/hE5rHLveys6TODhSnN9rhD.nLDNfDz5yFtRqWvLJqHEK';

/** The password's policy is checked after the shape (passwordPolicy.ts), for GoTrue's weak_password answer. */
const SignUpBody = z.object({
  email: z.email().max(320),
  password: z.string().max(200),
  data: z.record(z.string(), z.unknown()).optional(),
});
const PasswordGrant = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(200) });
const RefreshGrant = z.object({ refresh_token: z.string().min(1).max(255) });
const EmailBody = z.object({ email: z.email().max(320) });
const ResendBody = z.object({ type: z.literal('signup'), email: z.email().max(320) });
const VerifyBody = z.object({
  type: z.enum(['signup', 'magiclink', 'recovery', 'email']),
  token_hash: z.string().min(1).max(200),
});
const UserUpdate = z.object({
  password: z.string().max(200).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** GoTrue's error shape (which supabase-js reads), plus the API's `error` object. */
function fail(
  status: number,
  errorCode: string,
  message: string,
  details?: unknown,
  extra: { body?: Record<string, unknown>; headers?: Record<string, string> } = {},
): AuthReply {
  return {
    status,
    body: {
      code: status,
      error_code: errorCode,
      msg: message,
      ...extra.body,
      error: { code: errorCode, message, details },
    },
    headers: extra.headers,
  };
}

function userJson(u: UserRow) {
  return {
    id: u.id,
    aud: u.aud ?? 'authenticated',
    role: u.role ?? 'authenticated',
    email: u.email,
    email_confirmed_at: u.email_confirmed_at?.toISOString() ?? null,
    confirmed_at: u.email_confirmed_at?.toISOString() ?? null,
    phone: '',
    last_sign_in_at: u.last_sign_in_at?.toISOString() ?? null,
    app_metadata: u.raw_app_meta_data,
    user_metadata: u.raw_user_meta_data,
    identities: [],
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
    is_anonymous: false,
  };
}

interface SessionOptions {
  /** The session to issue new tokens for (a refresh); a new session otherwise. */
  sessionId?: string;
  /** The refresh token this one replaces. */
  parent?: string;
  /** How the user authenticated (the `amr` claim). */
  method?: string;
  /** A sign-in: stamps the user's `last_sign_in_at` in the same statement. */
  signIn?: boolean;
}

/** The local auth handlers, on one pool. */
export function createLocalAuth(options: LocalAuthOptions) {
  const { sql, secret, accessTokenTtl, issuer } = options;
  const throttle = createSignInThrottle(options.throttle);
  const mail = options.mail ? createAuthMail(options.mail, sql, issuer) : undefined;

  const mailFailed = (kind: LinkKind) =>
    fail(
      500,
      'unexpected_failure',
      `Error sending ${kind === 'signup' ? 'confirmation' : kind === 'recovery' ? 'recovery' : 'magic link'} email`,
    );
  const tooSoon = (wait: number) =>
    fail(
      429,
      'over_email_send_rate_limit',
      `For security purposes, you can only request this after ${wait} seconds.`,
      undefined,
      {
        headers: { 'retry-after': String(wait) },
      },
    );

  /** The access token's claims before the hook: Supabase Auth's shape. */
  function baseClaims(user: UserRow, sessionId: string, method: string, now: number) {
    return {
      iss: issuer,
      aud: 'authenticated',
      sub: user.id,
      exp: now + accessTokenTtl,
      iat: now,
      email: user.email,
      phone: '',
      app_metadata: user.raw_app_meta_data,
      user_metadata: user.raw_user_meta_data,
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method, timestamp: now }],
      session_id: sessionId,
      is_anonymous: false,
    };
  }

  /**
   * A session's tokens: opens the session (or touches `sessionId`'s), stores its refresh token and
   * runs the access token hook, in ONE statement, so it is atomic without a transaction of its own
   * and costs one round trip (a password sign-in made six: begin, the user's stamp, the session, the
   * refresh token, the hook, commit; each costs the loop the rooms share a write and a parse).
   * The session id is made here, so the hook sees it. `signIn` also stamps the user's
   * `last_sign_in_at` in that statement (the password grant, which has no transaction around it).
   */
  async function issueSession(db: Sql | TransactionSql, user: UserRow, options: SessionOptions = {}) {
    const { parent, method = 'password', signIn = false } = options;
    const sid = options.sessionId ?? randomUUID();
    const refreshToken = randomBytes(24).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const event = {
      user_id: user.id,
      claims: baseClaims(user, sid, method, now),
      authentication_method: method,
    };
    const session = options.sessionId
      ? db`update auth.sessions set updated_at = now() where id = ${sid} returning id`
      : db`insert into auth.sessions (id, user_id) values (${sid}, ${user.id}) returning id`;
    const [row] = await db<{ claims: JWTPayload; issued: boolean; last_sign_in_at: Date | null }[]>`
      with ${signIn ? db`signed_in as (update auth.users set last_sign_in_at = now() where id = ${user.id} returning last_sign_in_at),` : db``}
        session as (${session}),
        refresh as (insert into auth.refresh_tokens (token, user_id, session_id, parent)
                    select ${refreshToken}, ${user.id}, session.id, ${parent ?? null} from session
                    returning 1)
      select (public.custom_access_token_hook(${db.json(event as never)})) -> 'claims' as claims,
             exists (select from refresh) as issued,
             ${signIn ? db`(select last_sign_in_at from signed_in)` : db`null::timestamptz`} as last_sign_in_at`;
    // the session ended (or the user went) between reading and this statement: nothing was stored
    if (!row?.issued) throw new Error('local auth: the session ended while its tokens were issued');
    const fresh = signIn ? { ...user, last_sign_in_at: row.last_sign_in_at } : user;
    return {
      access_token: signJwt(row.claims, secret),
      token_type: 'bearer',
      expires_in: accessTokenTtl,
      expires_at: now + accessTokenTtl,
      refresh_token: refreshToken,
      user: userJson(fresh),
    };
  }

  async function signUp(body: unknown, redirectTo: string | null = null): Promise<AuthReply> {
    const parsed = SignUpBody.safeParse(body);
    if (!parsed.success) {
      const password = parsed.error.issues.some((i) => i.path[0] === 'password');
      return password
        ? fail(422, 'weak_password', 'Password should be a string of at most 72 bytes.', undefined, {
            body: { weak_password: { reasons: ['length'] } },
          })
        : fail(
            400,
            'validation_failed',
            'Unable to validate email address: invalid format',
            parsed.error.issues,
          );
    }
    const email = parsed.data.email.toLowerCase();
    const weak = checkPassword(parsed.data.password, email);
    if (weak) {
      return fail(422, 'weak_password', weak.message, undefined, {
        body: { weak_password: { reasons: weak.reasons } },
      });
    }
    const meta = parsed.data.data ?? {};
    const hash = await bcryptHash(parsed.data.password, BCRYPT_COST);
    const displayName =
      typeof meta.display_name === 'string' && meta.display_name.trim() !== ''
        ? meta.display_name.trim().slice(0, 120)
        : email.split('@')[0]!.slice(0, 120);
    const confirm = mail?.options.confirmSignUp === true;
    const created = (await sql.begin(async (tx) => {
      const [exists] = await tx`select 1 from auth.users where email = ${email}`;
      if (exists) return fail(422, 'user_already_exists', 'User already registered');
      const [user] = await tx<UserRow[]>`
        insert into auth.users (aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
                                raw_app_meta_data, raw_user_meta_data)
        values ('authenticated', 'authenticated', ${email}, ${hash}, ${confirm ? null : tx`now()`},
                ${confirm ? null : tx`now()`},
                ${tx.json({ provider: 'email', providers: ['email'] })}, ${tx.json(meta as never)})
        returning *`;
      await tx`select private.provision_user(${user!.id}, ${email}, ${displayName})`;
      // with confirmation on, the answer is the user without a session (supabase-js: session null)
      return confirm ? user! : { status: 200, body: await issueSession(tx, user!) };
    })) as AuthReply | UserRow;
    if ('status' in created) return created;
    await mail!.retryAfter('signup', email);
    try {
      await mail!.send(created.id, email, 'signup', redirectTo);
    } catch {
      return mailFailed('signup');
    }
    return { status: 200, body: userJson(created) };
  }

  /** POST /otp (magic link) and POST /recover: mails a link when the address has an account; answers alike either way. */
  async function mailLink(
    kind: 'magiclink' | 'recovery',
    body: unknown,
    redirectTo: string | null,
  ): Promise<AuthReply> {
    if (!mail) return fail(501, 'not_implemented', 'local auth sends no mail: configure CHENU_SMTP_URL');
    const parsed = EmailBody.safeParse(body);
    if (!parsed.success)
      return fail(400, 'validation_failed', 'Unable to validate email address: invalid format');
    const email = parsed.data.email.toLowerCase();
    const wait = await mail.retryAfter(kind, email);
    if (wait > 0) return tooSoon(wait);
    const [user] = await sql<{ id: string }[]>`select id from auth.users where email = ${email}`;
    if (user) {
      try {
        await mail.send(user.id, email, kind, redirectTo);
      } catch {
        return mailFailed(kind);
      }
    }
    return { status: 200, body: {} };
  }

  /** POST /resend (type signup): a new confirmation link for an address not confirmed yet. */
  async function resend(body: unknown, redirectTo: string | null): Promise<AuthReply> {
    if (!mail) return fail(501, 'not_implemented', 'local auth sends no mail: configure CHENU_SMTP_URL');
    const parsed = ResendBody.safeParse(body);
    if (!parsed.success) return fail(400, 'validation_failed', 'type signup and an email are required');
    const email = parsed.data.email.toLowerCase();
    const wait = await mail.retryAfter('signup', email);
    if (wait > 0) return tooSoon(wait);
    const [user] = await sql<{ id: string }[]>`
      select id from auth.users where email = ${email} and email_confirmed_at is null`;
    if (user) {
      try {
        await mail.send(user.id, email, 'signup', redirectTo);
      } catch {
        return mailFailed('signup');
      }
    }
    return { status: 200, body: {} };
  }

  /**
   * A mailed link used: confirms the address (any kind proves it) and opens a session, or answers
   * `otp_expired` for an unknown, used, expired or other-kind token.
   */
  async function verifyToken(kind: LinkKind, token: string): Promise<AuthReply> {
    if (!mail) return fail(501, 'not_implemented', 'local auth sends no mail');
    return sql.begin(async (tx) => {
      const userId = await mail.consume(tx, token, kind);
      if (!userId) return fail(403, 'otp_expired', 'Email link is invalid or has expired');
      const [user] = await tx<UserRow[]>`
        update auth.users set email_confirmed_at = coalesce(email_confirmed_at, now()), last_sign_in_at = now()
        where id = ${userId} returning *`;
      if (!user) return fail(403, 'otp_expired', 'Email link is invalid or has expired');
      const method = kind === 'recovery' ? 'recovery' : kind === 'signup' ? 'email/signup' : 'otp';
      return { status: 200, body: await issueSession(tx, user, { method }) };
    }) as Promise<AuthReply>;
  }

  /** GET /verify: where a mailed link lands; redirects to the client with the session (or the error) in the fragment. */
  async function verifyLink(query: URLSearchParams): Promise<AuthReply> {
    if (!mail) return fail(501, 'not_implemented', 'local auth sends no mail');
    const kind = query.get('type');
    const token = query.get('token') ?? '';
    const target = new URL(safeRedirect(mail.options, query.get('redirect_to')));
    const reply =
      kind === 'signup' || kind === 'magiclink' || kind === 'recovery'
        ? await verifyToken(kind, token)
        : fail(400, 'validation_failed', 'unknown link type');
    const body = reply.body as Record<string, unknown> & { error?: { code: string; message: string } };
    const fragment = new URLSearchParams(
      reply.status === 200
        ? {
            access_token: String(body.access_token),
            expires_at: String(body.expires_at),
            expires_in: String(body.expires_in),
            refresh_token: String(body.refresh_token),
            token_type: 'bearer',
            type: kind!,
          }
        : {
            error: 'access_denied',
            error_code: body.error?.code ?? 'otp_expired',
            error_description: body.error?.message ?? 'Email link is invalid or has expired',
          },
    );
    target.hash = fragment.toString();
    return { status: 303, headers: { location: target.href } };
  }

  /** PUT /user: a signed-in user changes their password (the sign-up policy applies) or metadata. */
  async function updateUser(authorization: string | undefined, body: unknown): Promise<AuthReply> {
    const s = await session(authorization);
    if (!s) return fail(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
    const parsed = UserUpdate.safeParse(body);
    if (!parsed.success) return fail(400, 'validation_failed', 'password must be a string');
    let hash: string | null = null;
    if (parsed.data.password !== undefined) {
      const weak = checkPassword(parsed.data.password, s.user.email);
      if (weak) {
        return fail(422, 'weak_password', weak.message, undefined, {
          body: { weak_password: { reasons: weak.reasons } },
        });
      }
      hash = await bcryptHash(parsed.data.password, BCRYPT_COST);
    }
    const [user] = await sql<UserRow[]>`
      update auth.users set encrypted_password = coalesce(${hash}, encrypted_password),
             raw_user_meta_data = raw_user_meta_data || ${sql.json((parsed.data.data ?? {}) as never)},
             updated_at = now()
      where id = ${s.user.id} returning *`;
    return { status: 200, body: userJson(user!) };
  }

  async function passwordGrant(body: unknown, address: string): Promise<AuthReply> {
    const parsed = PasswordGrant.safeParse(body);
    if (!parsed.success) return fail(400, 'validation_failed', 'email and password are required');
    const email = parsed.data.email.toLowerCase();
    const wait = await throttle.retryAfter(email, address);
    if (wait > 0) {
      return fail(429, 'over_request_rate_limit', 'Too many sign-in attempts: try again later.', undefined, {
        headers: { 'retry-after': String(wait) },
      });
    }
    const [user] = await sql<UserRow[]>`select * from auth.users where email = ${email}`;
    const ok = await bcryptVerify(parsed.data.password, user?.encrypted_password ?? DUMMY_HASH);
    if (!user || !ok) {
      await throttle.failed(email, address);
      return fail(400, 'invalid_credentials', 'Invalid login credentials');
    }
    await throttle.succeeded(email);
    if (!user.email_confirmed_at) return fail(400, 'email_not_confirmed', 'Email not confirmed');
    return { status: 200, body: await issueSession(sql, user, { signIn: true }) };
  }

  async function refreshGrant(body: unknown): Promise<AuthReply> {
    const parsed = RefreshGrant.safeParse(body);
    if (!parsed.success) return fail(400, 'validation_failed', 'refresh_token is required');
    return sql.begin(async (tx) => {
      const [rt] = await tx<{ id: string; revoked: boolean; session_id: string | null; user_id: string }[]>`
        select id, revoked, session_id, user_id from auth.refresh_tokens
        where token = ${parsed.data.refresh_token} for update`;
      if (!rt || !rt.session_id) {
        return fail(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
      }
      if (rt.revoked) {
        // reuse of a rotated token: someone else may hold the session, so end it
        await tx`delete from auth.sessions where id = ${rt.session_id}`;
        return fail(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
      }
      await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${rt.id}`;
      const [user] = await tx<UserRow[]>`select * from auth.users where id = ${rt.user_id}::uuid`;
      if (!user) return fail(400, 'user_not_found', 'User from sub claim in JWT does not exist');
      return {
        status: 200,
        body: await issueSession(tx, user, { sessionId: rt.session_id, parent: parsed.data.refresh_token }),
      };
    }) as Promise<AuthReply>;
  }

  /** The user and session of a bearer token whose session still exists. */
  async function session(authorization: string | undefined) {
    const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token) return undefined;
    try {
      const claims = await verifyJwt(token, secret, issuer);
      if (claims.role !== 'authenticated' || typeof claims.session_id !== 'string') return undefined;
      const [user] = await sql<UserRow[]>`
        select u.* from auth.users u join auth.sessions s on s.user_id = u.id
        where s.id = ${claims.session_id}::uuid and u.id = ${claims.sub ?? ''}::uuid`;
      return user ? { user, sessionId: claims.session_id } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Routes one /auth/v1 request (path without the prefix). */
  return async function handle(
    method: string,
    path: string,
    query: URLSearchParams,
    headers: { authorization?: string },
    body: unknown,
    /** The client's address (the socket's peer: local auth is never behind a proxy). */
    address = 'unknown',
  ): Promise<AuthReply> {
    const redirectTo = query.get('redirect_to');
    if (method === 'POST' && path === '/signup') return signUp(body, redirectTo);
    if (method === 'POST' && path === '/otp') return mailLink('magiclink', body, redirectTo);
    if (method === 'POST' && path === '/recover') return mailLink('recovery', body, redirectTo);
    if (method === 'POST' && path === '/resend') return resend(body, redirectTo);
    if (method === 'GET' && path === '/verify') return verifyLink(query);
    if (method === 'POST' && path === '/verify') {
      const parsed = VerifyBody.safeParse(body);
      if (!parsed.success) return fail(400, 'validation_failed', 'type and token_hash are required');
      const kind = parsed.data.type === 'email' ? 'magiclink' : parsed.data.type;
      return verifyToken(kind, parsed.data.token_hash);
    }
    if (method === 'PUT' && path === '/user') return updateUser(headers.authorization, body);
    if (method === 'POST' && path === '/token') {
      const grant = query.get('grant_type');
      if (grant === 'password') return passwordGrant(body, address);
      if (grant === 'refresh_token') return refreshGrant(body);
      return fail(400, 'unsupported_grant_type', `unsupported grant_type: ${grant ?? '(none)'}`);
    }
    if (method === 'GET' && path === '/user') {
      const s = await session(headers.authorization);
      if (!s) return fail(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
      return { status: 200, body: userJson(s.user) };
    }
    if (method === 'POST' && path === '/logout') {
      const s = await session(headers.authorization);
      if (!s) return { status: 204 };
      const scope = query.get('scope') ?? 'global';
      if (scope === 'local') await sql`delete from auth.sessions where id = ${s.sessionId}`;
      else if (scope === 'others') {
        await sql`delete from auth.sessions where user_id = ${s.user.id} and id <> ${s.sessionId}`;
      } else await sql`delete from auth.sessions where user_id = ${s.user.id}`;
      return { status: 204 };
    }
    if (method === 'GET' && path === '/health') {
      return { status: 200, body: { name: 'chenu-local-auth', description: 'local development only' } };
    }
    return fail(404, 'not_found', `local auth does not implement ${method} /auth/v1${path}`);
  };
}
