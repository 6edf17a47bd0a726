/**
 * CORS on the gateway's own answers (local auth, its refusals, the not-found route): every actual
 * answer carries the two headers a browser needs to read it, preflights get hono/cors's 204, and an
 * answer goes out whole with its length (not re-streamed chunk by chunk).
 */
import { describe, expect, it } from 'vitest';
import { useAuthGateway } from '../../helpers/authGateway.ts';

const { post, url, keys } = useAuthGateway('gateway_cors');

const ORIGIN = 'http://127.0.0.1:5173';

function expectCors(headers: Headers | Record<string, string | string[] | undefined>): void {
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]);
  expect(get('access-control-allow-origin')).toBe('*');
  expect(get('access-control-expose-headers')).toBe('idempotent-replayed,content-disposition');
}

describe('gateway CORS', () => {
  it('a sign-in answer carries CORS and its length, and reads back whole', async () => {
    const reply = await post('/token?grant_type=password', {
      email: 'alice@chenu.local',
      password: 'chenu-demo-password',
    });
    expect(reply.status).toBe(200);
    expectCors(reply.headers);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['transfer-encoding']).toBeUndefined();
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(reply.body)));
    expect(reply.body).toMatchObject({ token_type: 'bearer', user: { email: 'alice@chenu.local' } });
  });

  it('refusals and unknown routes carry CORS too, as JSON errors', async () => {
    const badKey = await fetch(`${url()}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: 'not-a-key', origin: ORIGIN, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(badKey.status).toBe(401);
    expectCors(badKey.headers);
    const wrong = await fetch(`${url()}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: keys().anonKey, origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@chenu.local', password: 'not her password' }),
    });
    expect(wrong.status).toBe(400);
    expectCors(wrong.headers);
    expect(await wrong.json()).toMatchObject({ error: { code: 'invalid_credentials' } });
    const missing = await fetch(`${url()}/nowhere`, { headers: { origin: ORIGIN } });
    expect(missing.status).toBe(404);
    expectCors(missing.headers);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('a preflight is a 204 that allows the API headers and methods, with no body', async () => {
    const preflight = await fetch(`${url()}/auth/v1/token?grant_type=password`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'apikey,content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/apikey/);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(await preflight.text()).toBe('');
  });
});
