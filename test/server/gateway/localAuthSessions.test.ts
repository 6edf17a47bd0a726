/**
 * Local auth issues a session's tokens in one statement (the session, its refresh token, the
 * access token hook and, on a password sign-in, `last_sign_in_at`): what a sign-in and a refresh
 * store and answer, against the rows themselves.
 */
import { describe, expect, it } from 'vitest';
import { useAuthGateway } from '../../helpers/authGateway.ts';

const { post, sql } = useAuthGateway('local_auth_sessions');

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('local auth sessions', () => {
  it('a password sign-in stores one session and its refresh token, stamps last_sign_in_at, and names both in its answer', async () => {
    const [before] = await sql()<{ last: Date | null }[]>`
      select last_sign_in_at as last from auth.users where email = 'alice@chenu.local'`;
    const reply = await post('/token?grant_type=password', {
      email: 'alice@chenu.local',
      password: 'chenu-demo-password',
    });
    expect(reply.status).toBe(200);
    const body = reply.body as {
      access_token: string;
      refresh_token: string;
      user: { id: string; last_sign_in_at: string };
    };
    const claims = claimsOf(body.access_token);
    const [user] = await sql()<{ last: Date; identity: string }[]>`
      select u.last_sign_in_at as last, i.id::text as identity
      from auth.users u join public.identities i on i.user_id = u.id and i.is_default
      where u.id = ${body.user.id}`;
    expect(user!.last.getTime()).toBeGreaterThan(before?.last?.getTime() ?? 0);
    expect(body.user.last_sign_in_at).toBe(user!.last.toISOString());
    // the hook ran on the claims with the new session's id
    expect(claims.identity_id).toBe(user!.identity);
    const [token] = await sql()<
      { session_id: string; user_id: string; parent: string | null; revoked: boolean }[]
    >`
      select session_id::text, user_id::text, parent, revoked from auth.refresh_tokens where token = ${body.refresh_token}`;
    expect(token).toEqual({
      session_id: claims.session_id,
      user_id: body.user.id,
      parent: null,
      revoked: false,
    });
    const sessions =
      await sql()`select 1 from auth.sessions where id = ${claims.session_id as string} and user_id = ${body.user.id}`;
    expect(sessions).toHaveLength(1);
  });

  it('a refresh keeps the session, chains the new refresh token to the old one, and leaves last_sign_in_at alone', async () => {
    const signIn = await post('/token?grant_type=password', {
      email: 'alice@chenu.local',
      password: 'chenu-demo-password',
    });
    const first = signIn.body as { access_token: string; refresh_token: string; user: { id: string } };
    const [stamped] = await sql()<{ last: Date }[]>`
      select last_sign_in_at as last from auth.users where id = ${first.user.id}`;
    const refreshed = await post('/token?grant_type=refresh_token', { refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = refreshed.body as { access_token: string; refresh_token: string };
    const sessionId = claimsOf(first.access_token).session_id as string;
    expect(claimsOf(second.access_token).session_id).toBe(sessionId);
    const [token] = await sql()<{ session_id: string; parent: string | null }[]>`
      select session_id::text, parent from auth.refresh_tokens where token = ${second.refresh_token}`;
    expect(token).toEqual({ session_id: sessionId, parent: first.refresh_token });
    const [after] = await sql()<{ last: Date }[]>`
      select last_sign_in_at as last from auth.users where id = ${first.user.id}`;
    expect(after!.last.getTime()).toBe(stamped!.last.getTime());
  });
});
