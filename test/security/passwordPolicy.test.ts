/**
 * Door: local auth's sign-up (POST /auth/v1/signup), tried with the passwords people pick: too
 * short, longer than bcrypt reads, among the most common passwords (any case), the email itself.
 * Each is refused with GoTrue's 422 `weak_password` and its reasons, which supabase-js turns into an
 * AuthWeakPasswordError, and no account is created; a sound password signs up.
 */
import { AuthWeakPasswordError } from '@supabase/supabase-js';
import { describe, expect, it } from 'vitest';
import { useAuthGateway } from '../helpers/authGateway.ts';

const { client, post, sql } = useAuthGateway('password_policy');

let n = 0;
const email = () => `policy-${process.pid}-${++n}@test.chenu.local`;

describe('password policy', () => {
  it.each([
    ['shorter than 8 characters', 'k9#vQ2x', 'length'],
    ['longer than bcrypt reads (73 bytes)', `${'é'.repeat(36)}x`, 'length'],
    ['a common password', 'password1', 'pwned'],
    ['a common password in other case', 'QwErTyUiOp', 'pwned'],
    ['a keyboard walk from the list', '1q2w3e4r5t', 'pwned'],
  ])('refuses %s with weak_password, creating nothing', async (_label, password, reason) => {
    const address = email();
    const { data, error } = await client().auth.signUp({ email: address, password });
    expect(error).toBeInstanceOf(AuthWeakPasswordError);
    expect(error?.status).toBe(422);
    expect(error?.code).toBe('weak_password');
    expect((error as AuthWeakPasswordError).reasons).toEqual([reason]);
    expect(data.session).toBeNull();
    expect(await sql()`select 1 from auth.users where email = ${address}`).toHaveLength(0);
  });

  it('refuses the account’s own email or its local part as the password', async () => {
    const address = email();
    for (const password of [address, address.split('@')[0]!.toUpperCase()]) {
      const r = await post('/signup', { email: address, password });
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({
        error_code: 'weak_password',
        weak_password: { reasons: ['pwned'] },
        error: { code: 'weak_password' },
      });
    }
  });

  it('refuses a password that is not a string with a JSON 422, not a 500', async () => {
    const r = await post('/signup', { email: email(), password: { length: 99 } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error_code: 'weak_password' });
  });

  it('signs up with a sound password', async () => {
    const address = email();
    const { data, error } = await client().auth.signUp({ email: address, password: 'violet-tram-galaxy-42' });
    expect(error).toBeNull();
    expect(data.session?.access_token).toBeTruthy();
    expect(await sql()`select 1 from auth.users where email = ${address}`).toHaveLength(1);
  });
});
