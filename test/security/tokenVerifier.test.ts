/**
 * Door: access tokens. One verifier (shared/auth/verifyAccessToken.ts) for the realtime server,
 * the gateway and the edge functions: the JWKS when one is configured, else the HS256 secret;
 * only that source's algorithms; `exp` required; a user's token for `aud` authenticated, from the
 * project's issuer. Tried with forged and malformed tokens (alg none, HS/RS confusion, keys and
 * algorithms outside the allow-list, no or past `exp`, another issuer or audience) against the
 * verifier itself, then against the three consumers: realtime and the gateway in process, the
 * functions through the gateway and the real Deno, with a project JWKS beside the secret and with
 * the secret alone, and local auth's own `/auth/v1/user`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decodeJwt,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  SignJWT,
  UnsecuredJWT,
  type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AccessTokenError,
  authIssuer,
  createAccessTokenVerifier,
  issuerOfJwksUrl,
} from '../../shared/auth/verifyAccessToken.ts';
import { parseEnv } from '../../server/env.ts';
import { verifyJwt as gatewayVerify } from '../../server/gateway/jwt.ts';
import { AuthError, createTokenVerifier } from '../../server/realtime/verifyToken.ts';
import { useApi } from '../api/apiHarness.ts';
import { SEED } from '../helpers/personas.ts';

const secret = parseEnv({}).CHENU_JWT_SECRET;

/** A project JWKS on loopback: an ES256 key and an RSA key published without `alg`. */
const es = await generateKeyPair('ES256');
const rsa = await generateKeyPair('RS384', { extractable: true });
const stranger = await generateKeyPair('ES256');
const keys = [
  { ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' },
  { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', use: 'sig' },
];
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ keys }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/v1/.well-known/jwks.json`;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
/** The project's Supabase Auth, whose keys the JWKS publishes. */
const issuer = issuerOfJwksUrl(jwksUrl)!;
const claims = {
  sub: SEED.alice,
  role: 'authenticated',
  aud: 'authenticated',
  identity_id: SEED.a1,
  iss: issuer,
};

type Sign = (payload: JWTPayload) => Promise<string>;
const signWith =
  (alg: string, key: CryptoKey | Uint8Array, kid?: string, exp: string | null = '5m'): Sign =>
  (payload) => {
    const jwt = new SignJWT(payload).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).setIssuedAt();
    return (exp ? jwt.setExpirationTime(exp) : jwt).sign(key);
  };
const hs256 = signWith('HS256', new TextEncoder().encode(secret));
const es256 = signWith('ES256', es.privateKey, 'es-1');
/** Signs `payload` changed by `change` with `sign`: the same key, other claims. */
const altered =
  (sign: Sign, change: (p: JWTPayload) => JWTPayload): Sign =>
  (payload) =>
    sign(change({ ...payload }));
const withoutAud = (p: JWTPayload) => {
  delete p.aud;
  return p;
};
/** The JWKS's RSA public key, as text an HS256 verifier would take for a secret (HS/RS confusion). */
const rsaPublicPem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));

/** Every hostile token, and the refusal each verifier setup must give it. */
const HOSTILE: Record<string, { sign: Sign; refused: Partial<Record<'jwks' | 'secret', string>> }> = {
  'alg none': {
    sign: async (p) => new UnsecuredJWT(p).setIssuedAt().setExpirationTime('5m').encode(),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'HS256 with the secret, when a JWKS is configured': {
    sign: hs256,
    refused: { jwks: 'invalid' },
  },
  'HS512 with the secret': {
    sign: signWith('HS512', new TextEncoder().encode(secret)),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'RS384 by a key the JWKS publishes (algorithm not allow-listed)': {
    sign: signWith('RS384', rsa.privateKey, 'rsa-1'),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'ES256 by a key the JWKS does not publish': {
    sign: signWith('ES256', stranger.privateKey, 'es-1'),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'ES256 without exp': {
    sign: signWith('ES256', es.privateKey, 'es-1', null),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'HS256 without exp': {
    sign: signWith('HS256', new TextEncoder().encode(secret), undefined, null),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'expired ES256': {
    sign: signWith('ES256', es.privateKey, 'es-1', '-1m'),
    refused: { jwks: 'expired', secret: 'invalid' },
  },
  'expired HS256': {
    sign: signWith('HS256', new TextEncoder().encode(secret), undefined, '-1m'),
    refused: { jwks: 'invalid', secret: 'expired' },
  },
  'HS256 keyed with the JWKS public key (HS/RS confusion)': {
    sign: signWith('HS256', rsaPublicPem, 'rsa-1'),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'ES256 from another issuer': {
    sign: altered(es256, (p) => ({ ...p, iss: 'https://attacker.example/auth/v1' })),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'ES256 without an issuer': {
    sign: altered(es256, (p) => ({ ...p, iss: undefined })),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'ES256 for another audience': {
    sign: altered(es256, (p) => ({ ...p, aud: 'service' })),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'ES256 without an audience': {
    sign: altered(es256, withoutAud),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'HS256 with the secret from another issuer': {
    sign: altered(hs256, (p) => ({ ...p, iss: 'https://attacker.example/auth/v1' })),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'HS256 with the secret for another audience': {
    sign: altered(hs256, (p) => ({ ...p, aud: ['service', 'admin'] })),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
  'HS256 with the secret without an audience': {
    sign: altered(hs256, withoutAud),
    refused: { jwks: 'invalid', secret: 'invalid' },
  },
};

describe('the shared access token verifier', () => {
  const withJwks = createAccessTokenVerifier({ jwksUrl, secret });
  const withSecret = createAccessTokenVerifier({ secret, issuer });

  it('accepts a JWKS-signed token when a JWKS is configured, and an HS256 one with the secret alone', async () => {
    expect(await withJwks(await es256(claims))).toMatchObject({ sub: SEED.alice, identity_id: SEED.a1 });
    expect(await withSecret(await hs256(claims))).toMatchObject({ sub: SEED.alice });
    await expect(withSecret(await es256(claims))).rejects.toThrow(AccessTokenError);
  });

  it("accepts the project's keys (anon, service_role: no audience, Supabase's own issuer)", async () => {
    for (const role of ['anon', 'service_role']) {
      const key = await hs256({ role, iss: 'supabase-demo' });
      expect(await withSecret(key), role).toMatchObject({ role });
    }
  });

  it('takes the issuer by one precedence: configured, else the JWKS URL, else <project URL>/auth/v1', () => {
    const projectUrl = 'http://127.0.0.1:54321';
    expect(authIssuer({ issuer: 'https://a.example/auth/v1', jwksUrl, projectUrl })).toBe(
      'https://a.example/auth/v1',
    );
    expect(authIssuer({ jwksUrl, projectUrl })).toBe(issuer);
    expect(authIssuer({ projectUrl })).toBe('http://127.0.0.1:54321/auth/v1');
    expect(issuerOfJwksUrl('https://ref.supabase.co/auth/v1/.well-known/jwks.json')).toBe(
      'https://ref.supabase.co/auth/v1',
    );
  });

  it.each(Object.entries(HOSTILE))('refuses %s', async (_name, { sign, refused }) => {
    const token = await sign(claims);
    for (const [setup, verify] of [
      ['jwks', withJwks],
      ['secret', withSecret],
    ] as const) {
      if (!refused[setup]) continue;
      const refusal = await verify(token).then(
        () => 'accepted',
        (e: AccessTokenError) => e.reason,
      );
      expect(refusal, setup).toBe(refused[setup]);
    }
  });

  it('refuses a missing token, and needs a key source', async () => {
    await expect(withSecret(undefined)).rejects.toMatchObject({ reason: 'missing' });
    expect(() => createAccessTokenVerifier({})).toThrow(/secret or a JWKS URL/);
  });
});

describe('realtime and the gateway use it', () => {
  it('realtime: JWKS first, then the room claims', async () => {
    const verify = createTokenVerifier({ jwksUrl, secret });
    expect(await verify(await es256(claims))).toMatchObject({ identity_id: SEED.a1 });
    for (const [name, { sign }] of Object.entries(HOSTILE)) {
      await expect(verify(await sign(claims)), name).rejects.toThrow(AuthError);
    }
  });

  it('realtime: the secret alone, with its issuer', async () => {
    const verify = createTokenVerifier({ secret, issuer });
    expect(await verify(await hs256(claims))).toMatchObject({ identity_id: SEED.a1 });
    for (const [name, { sign, refused }] of Object.entries(HOSTILE)) {
      if (!refused.secret) continue;
      await expect(verify(await sign(claims)), name).rejects.toThrow(AuthError);
    }
  });

  it('gateway (local auth): HS256 with its secret, exp required, its own issuer and the user audience', async () => {
    expect(await gatewayVerify(await hs256(claims), secret, issuer)).toMatchObject({ sub: SEED.alice });
    for (const [name, { sign, refused }] of Object.entries(HOSTILE)) {
      if (!refused.secret) continue;
      await expect(gatewayVerify(await sign(claims), secret, issuer), name).rejects.toThrow(AccessTokenError);
    }
  });
});

describe('the functions (real Deno) and local auth behind the gateway, with a project JWKS', () => {
  const { api, newUser } = useApi({ CHENU_JWKS_URL: jwksUrl });
  let user: Awaited<ReturnType<typeof newUser>>;
  beforeAll(async () => {
    user = await newUser('jwks');
  });

  const call = (path: string, token: string) =>
    fetch(`${api().url}${path}`, { headers: { apikey: api().anonKey, authorization: `Bearer ${token}` } });
  const own = () => ({ ...claims, sub: user.id, identity_id: user.identityId });
  /** Local auth's session token re-signed with the secret after `change`. */
  const resigned = (change: (p: JWTPayload) => JWTPayload) =>
    altered(hs256, change)(decodeJwt(user.accessToken));

  it('accepts a token signed by the JWKS, as realtime does', async () => {
    expect((await call('/functions/v1/identities', await es256(own()))).status).toBe(200);
  });

  it('refuses an HS256 token with the secret (the JWKS wins, as in realtime), and every hostile token', async () => {
    for (const [name, { sign }] of Object.entries(HOSTILE)) {
      const res = await call('/functions/v1/identities', await sign(own()));
      expect(res.status, name).toBe(401);
    }
    // local auth's own session token is an HS256 one: refused by the functions in this configuration
    expect((await call('/functions/v1/identities', user.accessToken)).status).toBe(401);
  });

  it('local auth refuses its own session token re-signed without exp, from another issuer or for another audience', async () => {
    expect((await call('/auth/v1/user', user.accessToken)).status).toBe(200);
    const rest = decodeJwt(user.accessToken);
    delete rest.exp;
    const forever = await signWith('HS256', new TextEncoder().encode(secret), undefined, null)(rest);
    expect((await call('/auth/v1/user', forever)).status).toBe(403);
    for (const [name, token] of Object.entries({
      'another issuer': await resigned((p) => ({ ...p, iss: 'https://attacker.example/auth/v1' })),
      'another audience': await resigned((p) => ({ ...p, aud: 'service' })),
      'no audience': await resigned(withoutAud),
    })) {
      expect((await call('/auth/v1/user', token)).status, name).toBe(403);
    }
  });
});

describe('the functions (real Deno) with the secret alone: local auth is the issuer', () => {
  const { api, newUser } = useApi();
  let user: Awaited<ReturnType<typeof newUser>>;
  beforeAll(async () => {
    user = await newUser('secret');
  });

  const call = (path: string, token: string) =>
    fetch(`${api().url}${path}`, { headers: { apikey: api().anonKey, authorization: `Bearer ${token}` } });
  const resigned = (change: (p: JWTPayload) => JWTPayload) =>
    altered(hs256, change)(decodeJwt(user.accessToken));

  it("accepts local auth's session token, whose issuer is the gateway's /auth/v1", async () => {
    expect(decodeJwt(user.accessToken).iss).toBe(`${api().url}/auth/v1`);
    expect((await call('/functions/v1/identities', user.accessToken)).status).toBe(200);
  });

  it('refuses it re-signed with the secret from another issuer, for another audience or none, and every hostile token', async () => {
    const own = { ...claims, sub: user.id, identity_id: user.identityId, iss: `${api().url}/auth/v1` };
    expect((await call('/functions/v1/identities', await hs256(own))).status).toBe(200);
    const tokens: Record<string, string> = {
      'another issuer': await resigned((p) => ({ ...p, iss: 'https://attacker.example/auth/v1' })),
      'no issuer': await resigned((p) => ({ ...p, iss: undefined })),
      'another audience': await resigned((p) => ({ ...p, aud: 'service' })),
      'no audience': await resigned(withoutAud),
    };
    for (const [name, { sign, refused }] of Object.entries(HOSTILE)) {
      if (refused.secret) tokens[name] = await sign(own);
    }
    for (const [name, token] of Object.entries(tokens)) {
      const res = await call('/functions/v1/identities', token);
      expect(res.status, name).toBe(401);
      expect((await res.json()).error.code, name).toBe('unauthorized');
    }
  });
});
