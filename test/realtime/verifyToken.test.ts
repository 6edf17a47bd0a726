import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createTokenVerifier } from '../../server/realtime/verifyToken.ts';
import { SEED } from '../helpers/personas.ts';

const claims = { sub: SEED.alice, role: 'authenticated', identity_id: SEED.a1, aud: 'authenticated' };

/** A JWKS endpoint on loopback serving one ES256 public key, like Supabase Auth's well-known URL. */
const keys = await generateKeyPair('ES256');
const other = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/auth/v1/.well-known/jwks.json' ? 200 : 404, {
    'content-type': 'application/json',
  });
  res.end(JSON.stringify({ keys: [jwk] }));
});
let jwksUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/v1/.well-known/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function sign(key: CryptoKey, kid = 'key-1', expiresIn = '5m') {
  // Supabase Auth's issuer: the JWKS URL less /.well-known/jwks.json
  return new SignJWT({ ...claims, iss: jwksUrl.replace('/.well-known/jwks.json', '') })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(key);
}

describe('createTokenVerifier with a project JWKS', () => {
  it('accepts a token signed by a key the JWKS publishes', async () => {
    const verify = createTokenVerifier({ jwksUrl });
    expect(await verify(await sign(keys.privateKey))).toMatchObject({
      sub: SEED.alice,
      identity_id: SEED.a1,
    });
  });

  it('refuses a token signed by another key, an expired one and an HS256 one', async () => {
    const verify = createTokenVerifier({ jwksUrl, secret: 'x'.repeat(32) });
    await expect(verify(await sign(other.privateKey))).rejects.toThrow(AuthError);
    await expect(verify(await sign(keys.privateKey, 'key-1', '-1m'))).rejects.toThrow(/expired/);
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    await expect(verify(hs)).rejects.toThrow(AuthError);
  });

  it('needs a secret or a JWKS URL', () => {
    expect(() => createTokenVerifier({})).toThrow(/secret or a JWKS URL/);
  });
});
