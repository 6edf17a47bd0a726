/**
 * Local auth's HS256 signer (server/gateway/jwt.ts, fast-jwt on node:crypto): the same bytes jose
 * signs for the same header and claims (so the project keys a client holds do not change), tokens the
 * shared verifier accepts, and nothing it adds or drops.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessTokenVerifier } from '../../../shared/auth/verifyAccessToken.ts';
import { projectKeys, signJwt } from '../../../server/gateway/jwt.ts';

const SECRET = 'a-local-test-secret-of-at-least-32-characters';
const ISSUER = 'http://127.0.0.1:54321/auth/v1';
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString()) as unknown;

describe('local auth signer', () => {
  it('signs exactly what jose signs, with the claims as given (their iat kept, none added)', async () => {
    const claims = {
      sub: '6d0b9c1e-2f4a-4b8e-9c3d-1a2b3c4d5e6f',
      aud: 'authenticated',
      role: 'authenticated',
      iss: ISSUER,
      iat: 1_899_996_400,
      exp: 1_900_000_000,
      session_id: 'f0e1d2c3-b4a5-4697-8899-aabbccddeeff',
      app_metadata: { provider: 'email' },
    };
    const ours = signJwt(claims, SECRET);
    const jose = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(SECRET));
    expect(ours).toBe(jose);
    const [header, payload] = ours.split('.');
    expect(decode(header!)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decode(payload!)).toEqual(claims);
    const untimed: Record<string, unknown> = { ...claims };
    delete untimed.iat;
    expect(decode(signJwt(untimed, SECRET).split('.')[1]!)).toEqual(untimed);
    expect(signJwt(untimed, SECRET)).toBe(
      await new SignJWT(untimed)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode(SECRET)),
    );
  });

  it('its project keys are the ones jose made before, and the verifier takes them and its session tokens', async () => {
    const keys = await projectKeys(SECRET);
    const anon = await new SignJWT({ iss: 'supabase-demo', exp: 1983812996, role: 'anon' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(SECRET));
    expect(keys.anonKey).toBe(anon);
    const verify = createAccessTokenVerifier({ secret: SECRET, issuer: ISSUER });
    await expect(verify(keys.serviceRoleKey)).resolves.toMatchObject({ role: 'service_role' });
    const session = signJwt(
      { sub: 'u1', aud: 'authenticated', role: 'authenticated', iss: ISSUER, exp: 1_900_000_000 },
      SECRET,
    );
    await expect(verify(session)).resolves.toMatchObject({ sub: 'u1' });
  });

  it('a token signed with another secret, or with its claims changed, is refused', async () => {
    const verify = createAccessTokenVerifier({ secret: SECRET, issuer: ISSUER });
    const claims = {
      sub: 'u1',
      aud: 'authenticated',
      role: 'authenticated',
      iss: ISSUER,
      exp: 1_900_000_000,
    };
    await expect(verify(signJwt(claims, `${SECRET}-other`))).rejects.toThrow();
    const [header, , signature] = signJwt(claims, SECRET).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'service_role' })).toString('base64url');
    await expect(verify(`${header}.${forged}.${signature}`)).rejects.toThrow();
  });
});
