import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { Database } from '../shared/database.types.ts';
import { clientEnv, type ClientEnv } from './env.ts';

/**
 * The client's only way to the backend: supabase-js on `VITE_SUPABASE_URL` + anon key, for
 * `auth` and `functions.invoke` (no PostgREST locally, so never `from()`). Identical against the
 * local gateway and a hosted project.
 */
export function createSupabaseClient(env: ClientEnv = clientEnv()): SupabaseClient<Database> {
  return createClient<Database>(env.VITE_SUPABASE_URL, env.VITE_SUPABASE_ANON_KEY, {
    auth: { persistSession: true, autoRefreshToken: true },
  });
}

let client: SupabaseClient<Database> | undefined;

/** The app-wide client, created on first use. */
export function supabase(): SupabaseClient<Database> {
  client ??= createSupabaseClient();
  return client;
}
