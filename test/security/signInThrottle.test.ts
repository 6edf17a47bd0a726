/**
 * Door: local auth's password sign-in (POST /auth/v1/token?grant_type=password), tried as a
 * password guesser would: many wrong passwords against one account (from one address, then from
 * another), and a spray of wrong passwords over many accounts from one address. Each is refused
 * with GoTrue's 429 `over_request_rate_limit` (which supabase-js surfaces as an AuthApiError), with a
 * Retry-After, even for the right password, while other accounts and addresses are not affected.
 */
import { describe, expect, it } from 'vitest';
import { useAuthGateway } from '../helpers/authGateway.ts';

const { client, post } = useAuthGateway('sign_in_throttle');

const ACCOUNT_FAILURES = 10;
const ADDRESS_FAILURES = 30;
const PASSWORD = 'chenu-demo-password';

describe('sign-in throttling', () => {
  it('blocks an account after repeated wrong passwords, from any address, without touching others', async () => {
    for (let i = 0; i < ACCOUNT_FAILURES; i++) {
      const r = await post('/token?grant_type=password', {
        email: 'alice@chenu.local',
        password: `guess-${i}`,
      });
      expect(r.status).toBe(400);
    }
    // the right password is refused now, through supabase-js, with GoTrue's code
    const { data, error } = await client().auth.signInWithPassword({
      email: 'alice@chenu.local',
      password: PASSWORD,
    });
    expect(data.session).toBeNull();
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('over_request_rate_limit');
    // from another address too: the count is the account's
    const elsewhere = await post(
      '/token?grant_type=password',
      { email: 'ALICE@chenu.local', password: PASSWORD },
      '127.0.0.2',
    );
    expect(elsewhere.status).toBe(429);
    expect(Number(elsewhere.headers['retry-after'])).toBeGreaterThan(0);
    expect(elsewhere.body).toMatchObject({ error_code: 'over_request_rate_limit', code: 429 });
    // another account from the first address still signs in
    const bob = await client().auth.signInWithPassword({ email: 'bob@chenu.local', password: PASSWORD });
    expect(bob.error).toBeNull();
    expect(bob.data.session?.access_token).toBeTruthy();
  });

  it('blocks an address spraying wrong passwords over many accounts, known or not', async () => {
    const sprayer = '127.0.0.3';
    for (let i = 0; i < ADDRESS_FAILURES; i++) {
      const r = await post(
        '/token?grant_type=password',
        { email: `victim-${i}@test.chenu.local`, password: 'Spring2026!' },
        sprayer,
      );
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ error_code: 'invalid_credentials' });
    }
    const blocked = await post(
      '/token?grant_type=password',
      { email: 'bob@chenu.local', password: PASSWORD },
      sprayer,
    );
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({ error_code: 'over_request_rate_limit' });
    // the same account from another address is fine: the block is the address'
    const ok = await post(
      '/token?grant_type=password',
      { email: 'bob@chenu.local', password: PASSWORD },
      '127.0.0.4',
    );
    expect(ok.status).toBe(200);
  });

  it('clears an account’s failures on a successful sign-in', async () => {
    const address = '127.0.0.5';
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < ACCOUNT_FAILURES - 1; i++) {
        const r = await post(
          '/token?grant_type=password',
          { email: 'bob@chenu.local', password: `no-${i}` },
          address,
        );
        expect(r.status).toBe(400);
      }
      const r = await post(
        '/token?grant_type=password',
        { email: 'bob@chenu.local', password: PASSWORD },
        address,
      );
      expect(r.status).toBe(200);
    }
  });
});
