/**
 * Local auth and the API's refusals, through supabase-js against the gateway and Deno: sessions
 * (seeded bcrypt logins, refresh rotation with reuse detection, sign-out), credentials refused
 * (missing, expired, forged, revoked/expired/out-of-scope API keys), other users' and other
 * identities' rows (404, never data), malformed input (400 with field details), oversized and
 * refused uploads, cursor pages and Idempotency-Key replays.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../server/env.ts';
import { invoke, useApi } from './apiHarness.ts';

const { newUser, client, api, sql } = useApi();
const secret = parseEnv({}).CHENU_JWT_SECRET;

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('local auth (GoTrue subset)', () => {
  it('signs in a seeded user whose password pgcrypto hashed, on the default identity', async () => {
    const sb = client();
    const { data, error } = await sb.auth.signInWithPassword({
      email: 'alice@chenu.local',
      password: 'chenu-demo-password',
    });
    expect(error).toBeNull();
    const claims = claimsOf(data.session!.access_token);
    expect(claims).toMatchObject({
      sub: 'a0000000-0000-4000-8000-000000000000',
      role: 'authenticated',
      aud: 'authenticated',
      email: 'alice@chenu.local',
      identity_id: 'a1000000-0000-4000-8000-000000000000',
      app_metadata: { provider: 'email' },
      user_metadata: { display_name: 'Alice Tremblay' },
    });
    expect(claims.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.exp - claims.iat).toBe(3600);
    const me = await sb.auth.getUser();
    expect(me.data.user?.email).toBe('alice@chenu.local');
    await sb.auth.signOut();
  });

  it('refuses a wrong password and a duplicate sign-up', async () => {
    const sb = client();
    const bad = await sb.auth.signInWithPassword({ email: 'alice@chenu.local', password: 'wrong-password' });
    expect(bad.error?.message).toBe('Invalid login credentials');
    expect(bad.error?.status).toBe(400);
    const dup = await sb.auth.signUp({ email: 'alice@chenu.local', password: 'whatever-123' });
    expect(dup.error?.message).toBe('User already registered');
    const weak = await sb.auth.signUp({ email: 'weak@test.chenu.local', password: '123' });
    expect(weak.error?.status).toBe(422);
  });

  it('rotates refresh tokens and revokes the session when a rotated token is reused', async () => {
    const u = await newUser('rotation');
    const first = (await u.sb.auth.getSession()).data.session!;
    const { data: r2, error } = await u.sb.auth.refreshSession();
    expect(error).toBeNull();
    expect(r2.session!.refresh_token).not.toBe(first.refresh_token);
    expect(claimsOf(r2.session!.access_token).session_id).toBe(claimsOf(first.access_token).session_id);
    // someone replays the first (rotated) token: refused, and the whole session ends
    const thief = client();
    const stolen = await thief.auth.refreshSession({ refresh_token: first.refresh_token });
    expect(stolen.error?.message).toContain('Already Used');
    const after = await client().auth.refreshSession({ refresh_token: r2.session!.refresh_token });
    expect(after.error?.message).toContain('Not Found');
  });

  it('signs out: the session and its refresh tokens are gone', async () => {
    const u = await newUser('logout');
    const session = (await u.sb.auth.getSession()).data.session!;
    expect((await u.sb.auth.signOut()).error).toBeNull();
    const sb = client();
    const gone = await sb.auth.getUser(session.access_token);
    expect(gone.data.user).toBeNull();
    expect(gone.error?.name).toBe('AuthSessionMissingError');
    expect((await sb.auth.refreshSession({ refresh_token: session.refresh_token })).error).not.toBeNull();
  });

  it('refuses /auth/v1 without the project API key, and answers unknown paths with JSON', async () => {
    const res = await fetch(`${api().url}/auth/v1/token?grant_type=password`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    const health = await fetch(`${api().url}/health`);
    expect((await health.json()).status).toBe('ok');
    const nope = await fetch(`${api().url}/nope`);
    expect(await nope.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
  });
});

describe('function credentials', () => {
  const sign = (claims: Record<string, unknown>, key = secret) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(key));

  it('answers 401 without a user token, with an expired one and with a forged one', async () => {
    const u = await newUser('creds');
    const base = claimsOf(u.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const cases = {
      missing: undefined,
      expired: await sign({ ...base, iat: now - 7200, exp: now - 3600 }),
      forged: await sign(base, 'another-secret-that-is-at-least-32-chars!!'),
      garbage: 'not.a.jwt',
    };
    for (const [name, token] of Object.entries(cases)) {
      const r = await invoke(client(), 'GET', '/spheres', {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      expect(r.status, name).toBe(401);
      expect(r.body.error.code, name).toBe('unauthorized');
      expect(JSON.stringify(r.body), name).not.toMatch(/at .*\.ts|stack/i);
    }
    expect(
      (
        await invoke(client(), 'GET', '/spheres', {
          headers: { authorization: `Bearer ${await sign({ ...base, iat: now - 7200, exp: now - 3600 })}` },
        })
      ).body.error.message,
    ).toBe('the access token has expired');
  });

  it('limits API keys to their permissions, and refuses expired keys and key management by keys', async () => {
    const u = await newUser('scopes');
    const made = (
      await u.call('POST', '/api-keys', { body: { name: 'lecture', permissions: ['spheres:read'] } })
    ).body;
    const key = { 'x-api-key': made.key };
    const anon = client();
    expect((await invoke(anon, 'GET', '/spheres', { headers: key })).status).toBe(200);
    expect(
      (await invoke(anon, 'POST', '/spheres', { headers: key, body: { name: 'x' } })).body.error.code,
    ).toBe('forbidden');
    expect((await invoke(anon, 'GET', '/threads', { headers: key })).status).toBe(403);
    expect(
      (await invoke(anon, 'POST', '/api-keys', { headers: key, body: { name: 'y', permissions: ['all:*'] } }))
        .status,
    ).toBe(403);
    expect(
      (await invoke(anon, 'GET', '/spheres', { headers: { 'x-api-key': `${made.key.slice(0, -1)}x` } }))
        .status,
    ).toBe(401);
    await sql`update public.api_keys set created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour'
              where id = ${made.api_key.id}`;
    expect((await invoke(anon, 'GET', '/spheres', { headers: key })).status).toBe(401);
    const all = (await u.call('POST', '/api-keys', { body: { name: 'tout', permissions: ['all:*'] } })).body;
    expect(
      (
        await invoke(anon, 'POST', '/spheres', {
          headers: { authorization: `Bearer ${all.key}` },
          body: { name: 'Par clé' },
        })
      ).status,
    ).toBe(201);
  });
});

describe('isolation, validation, pages and idempotency', () => {
  it('answers 404 for another user’s rows and never returns their data', async () => {
    const a = await newUser('alpha');
    const b = await newUser('beta');
    const sphere = (await a.call('POST', '/spheres', { body: { name: 'Secret' } })).body;
    const ds = (await a.call('POST', '/dataspaces', { body: { sphere_id: sphere.id, name: 'Coffre' } })).body;
    for (const [method, body] of [['GET'], ['PATCH', { name: 'pris' }], ['DELETE']] as const) {
      const r = await b.call(method, '/spheres/{id}', { params: { id: sphere.id }, body });
      expect(r.status, method).toBe(404);
      expect(JSON.stringify(r.body)).not.toContain('Secret');
    }
    // b sees its own onboarding sphere only
    expect((await b.call('GET', '/spheres')).body.data.map((x: { name: string }) => x.name)).toEqual([
      'Personnel',
    ]);
    const intrude = await b.call('POST', '/threads', { body: { dataspace_id: ds.id, title: 'intrus' } });
    expect(intrude.status).toBe(404);
    // a list under a parent the caller cannot see is a 404, like the parent's own route
    const under = await b.call('GET', '/threads/{thread_id}/messages', { params: { thread_id: ds.id } });
    expect(under.status).toBe(404);
    expect(under.body.data).toBeUndefined();
    expect((await a.call('GET', '/spheres/{id}', { params: { id: sphere.id } })).body.name).toBe('Secret');
  });

  it('answers 404 for the same user’s other identity after a switch', async () => {
    const u = await newUser('twofaced');
    const mine = (await u.call('POST', '/spheres', { body: { name: 'Perso' } })).body;
    const other = (await u.call('POST', '/identities', { body: { name: 'Pro', kind: 'business' } })).body;
    expect((await u.call('POST', '/identities/{id}/switch', { params: { id: other.id } })).status).toBe(200);
    await u.sb.auth.refreshSession();
    expect((await u.call('GET', '/spheres/{id}', { params: { id: mine.id } })).status).toBe(404);
    const stranger = await newUser('stranger');
    const steal = await stranger.call('POST', '/identities/{id}/switch', { params: { id: other.id } });
    expect(steal.status).toBe(404);
  });

  it('answers 400 with field details for malformed input', async () => {
    const u = await newUser('malformed');
    const wrong = await u.call('POST', '/spheres', { body: { name: '', kind: 'planet', extra: 1 } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('validation_failed');
    expect(wrong.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.kind',
      'body.name',
    ]);
    const missing = await u.call('POST', '/threads', { body: { title: 'sans dataspace' } });
    expect(missing.body.error.details).toEqual([expect.objectContaining({ path: 'body.dataspace_id' })]);
    const badId = await u.call('GET', '/spheres/{id}', { params: { id: 'not-a-uuid' } });
    expect(badId.status).toBe(400);
    expect(badId.body.error.details[0].path).toBe('params.id');
    const badCursor = await u.call('GET', '/spheres', { query: { cursor: 'nope', limit: '500' } });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
    expect(badCursor.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'query.cursor',
      'query.limit',
    ]);
    const badLimit = await u.call('GET', '/spheres', { query: { limit: '500' } });
    expect(badLimit.body.error).toMatchObject({
      code: 'validation_failed',
      details: [{ path: 'query.limit' }],
    });
    const made = await u.call('GET', '/spheres', { query: { cursor: 'bm9wZQ' } });
    expect(made.body.error).toMatchObject({ code: 'invalid_cursor', details: [{ path: 'query.cursor' }] });
    const notJson = await u.call('POST', '/spheres', {
      body: 'name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(notJson.status).toBe(415);
    const res = await fetch(`${api().url}/functions/v1/spheres`, {
      method: 'POST',
      headers: { authorization: `Bearer ${u.accessToken}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('bad_request');
  });

  it('refuses NUL, lone surrogates, bad e-mails and time zones and empty creates, storing nothing', async () => {
    const u = await newUser('texts');
    const fields = (r: { body: { error: { details: { path: string }[] } } }) =>
      r.body.error.details.map((d) => d.path);
    for (const name of ['a\u0000b', 'x\ud800y', 'z\udfff']) {
      const r = await u.call('POST', '/spheres', { body: { name } });
      expect(r.status).toBe(400);
      expect(fields(r)).toEqual(['body.name']);
    }
    const key = await u.call('POST', '/spheres', { body: { name: 'ok', ['k\u0000']: 1 } });
    expect(fields(key)).toEqual(['body.k\u0000']);
    const zone = await u.call('POST', '/spheres', { body: { name: 'Fuseau', time_zone: 'Mars/Olympus' } });
    expect(fields(zone)).toEqual(['body.time_zone']);
    const sphere = await u.call('POST', '/spheres', {
      body: { name: 'Fuseau', time_zone: 'America/Montreal' },
    });
    expect(sphere.status).toBe(201);
    const ds = (
      await u.call('POST', '/dataspaces', { body: { sphere_id: sphere.body.id, name: 'Chantier' } })
    ).body;
    const email = await u.call('POST', '/construction/projects', {
      body: {
        dataspace_id: ds.id,
        name: 'Cuisine',
        client_name: 'Gagnon',
        client_email: 'not-a-valid-email',
      },
    });
    expect(fields(email)).toEqual(['body.client_email']);
    const project = await u.call('POST', '/construction/projects', {
      body: {
        dataspace_id: ds.id,
        name: 'Cuisine',
        client_name: 'Gagnon',
        client_email: 'gagnon@example.com',
      },
    });
    expect(project.status).toBe(201);
    // a body made only of unknown keys used to create an estimate with every default
    for (const body of [{ bogus: 1 }, {}]) {
      const empty = await u.call('POST', '/construction/projects/{project_id}/estimates', {
        params: { project_id: project.body.id },
        body,
      });
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe('validation_failed');
    }
    const query = await u.call('GET', '/encoding/score', { query: { text: 'bonjour\u0000' } });
    expect(fields(query)).toEqual(['query.text']);
    const [counts] = await sql<{ spheres: number; estimates: number }[]>`
      select (select count(*)::int from public.spheres where identity_id = ${u.identityId}) as spheres,
             (select count(*)::int from public.construction_estimates where identity_id = ${u.identityId}) as estimates`;
    // the sphere made above beside the onboarding one (issue 14); nothing refused was stored
    expect(counts).toEqual({ spheres: 2, estimates: 0 });
  });

  it('refuses oversized uploads and unaccepted media types', async () => {
    const u = await newUser('uploader');
    const sphere = (await u.call('POST', '/spheres', { body: { name: 'Fichiers' } })).body;
    const ds = (await u.call('POST', '/dataspaces', { body: { sphere_id: sphere.id, name: 'Docs' } })).body;
    const query = { dataspace_id: ds.id, name: 'big.bin' };
    const big = new Uint8Array(64 * 1024 + 1);
    const tooBig = await u.call('POST', '/files/upload', {
      query,
      body: new Blob([big]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('payload_too_large');
    const exe = await u.call('POST', '/files/upload', {
      query,
      body: new Blob([new Uint8Array(4)]),
      headers: { 'content-type': 'application/x-msdownload' },
    });
    expect(exe.status).toBe(415);
    const fits = await u.call('POST', '/files/upload', {
      query,
      body: new Blob([new Uint8Array(64 * 1024)]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(fits.status).toBe(201);
    expect((await u.call('GET', '/files')).body.data).toHaveLength(1);
  });

  it('pages lists with cursors, without gaps or repeats', async () => {
    const u = await newUser('pager');
    for (let i = 0; i < 5; i++) await u.call('POST', '/spheres', { body: { name: `S${i}` } });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await u.call('GET', '/spheres', { query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      seen.push(...page.body.data.map((s: { name: string }) => s.name));
      cursor = page.body.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    // newest first; the onboarding sphere is the oldest
    expect(seen).toEqual(['S4', 'S3', 'S2', 'S1', 'S0', 'Personnel']);
  });

  it('pages rows that share one created_at (one transaction) by id, without gaps or repeats', async () => {
    const u = await newUser('same-instant');
    // now() is the transaction's start: the five rows share created_at to the microsecond
    await sql.begin(async (tx) => {
      for (let i = 0; i < 5; i++) {
        await tx`insert into public.spheres (identity_id, name, kind) values (${u.identityId}, ${`T${i}`}, 'personal')`;
      }
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await u.call('GET', '/spheres', { query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      seen.push(...page.body.data.map((s: { name: string }) => s.name));
      cursor = page.body.next_cursor ?? undefined;
      if (!cursor) break;
    }
    expect([...seen].sort()).toEqual(['Personnel', 'T0', 'T1', 'T2', 'T3', 'T4']);
  });

  it('replays a POST with the same Idempotency-Key instead of running it twice', async () => {
    const u = await newUser('idem');
    const headers = { 'idempotency-key': 'create-sphere-1' };
    const first = await u.call('POST', '/spheres', { body: { name: 'Une fois' }, headers });
    const second = await u.call('POST', '/spheres', { body: { name: 'Une fois' }, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // once, beside the onboarding sphere
    expect((await u.call('GET', '/spheres')).body.data).toHaveLength(2);
    const reused = await u.call('POST', '/spheres', { body: { name: 'Autre chose' }, headers });
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    // a failed first attempt frees the key
    const bad = await u.call('POST', '/spheres', {
      body: { name: 'Une fois' },
      headers: { 'idempotency-key': 'k2' },
    });
    expect(bad.status).toBe(409);
    const retry = await u.call('POST', '/spheres', {
      body: { name: 'Deux fois' },
      headers: { 'idempotency-key': 'k2' },
    });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });
});
