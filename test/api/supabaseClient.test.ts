/** client/supabaseClient.ts against the local gateway: the same module the browser uses. */
import { describe, expect, it } from 'vitest';
import { parseClientEnv } from '../../client/env.ts';
import { createSupabaseClient } from '../../client/supabaseClient.ts';
import { useApi } from './apiHarness.ts';

const { api } = useApi();

describe('client/supabaseClient', () => {
  it('refuses a missing anon key with a clear message', () => {
    expect(() => parseClientEnv({ VITE_SUPABASE_URL: 'http://127.0.0.1:54321' })).toThrow(
      /VITE_SUPABASE_ANON_KEY/,
    );
  });

  it('signs in and invokes a function through the gateway', async () => {
    const sb = createSupabaseClient(
      parseClientEnv({ VITE_SUPABASE_URL: api().url, VITE_SUPABASE_ANON_KEY: api().anonKey }),
    );
    const { error } = await sb.auth.signInWithPassword({
      email: 'bob@chenu.local',
      password: 'chenu-demo-password',
    });
    expect(error).toBeNull();
    const { data } = await sb.functions.invoke('spheres', { method: 'GET' });
    expect(data.data.map((s: { name: string }) => s.name)).toEqual(['Vie personnelle']);
    await sb.auth.signOut();
  });
});
