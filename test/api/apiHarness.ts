/**
 * Starts the real gateway + Deno functions on the run's throwaway database once per test file
 * (ports chosen by the OS, files under a temp dir), and gives supabase-js clients for fresh users.
 * Every call goes through `supabase.functions.invoke`; the route template of each call is recorded
 * so a suite can prove it exercised every route of the OpenAPI document.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll } from 'vitest';
import { parseEnv } from '../../server/env.ts';
import type { AuthMailOptions } from '../../server/gateway/authMail.ts';
import { startApi, type RunningApi } from '../../server/gateway/startApi.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';

/** Response bodies are checked field by field in the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/** The sharing routes (issue 14), exercised by sharing.test.ts rather than resources.test.ts. */
export const SHARING_ROUTE =
  /^\w+ \/(invitations|links|onboarding|bureau\/tasks|dataspaces\/\{id\}\/(members|invitations|links)|meetings\/\{meeting_id\}\/invitations)\b/;

/** Route templates called so far in this file, as `METHOD /function/path/{param}`. */
export const calledRoutes = new Set<string>();

let counter = 0;

export interface User {
  sb: SupabaseClient;
  id: string;
  email: string;
  identityId: string;
  accessToken: string;
  call: <T = Json>(
    method: string,
    template: string,
    options?: {
      params?: Record<string, string>;
      query?: Record<string, string>;
      body?: unknown;
      headers?: Record<string, string>;
    },
  ) => Promise<Reply<T>>;
}

/** Calls `template` (e.g. `/threads/{id}`) with supabase-js and records the template. */
export async function invoke<T = Json>(
  sb: SupabaseClient,
  method: string,
  template: string,
  options: {
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply<T>> {
  calledRoutes.add(`${method.toUpperCase()} ${template}`);
  let name = template.slice(1).replace(/\{(\w+)\}/g, (_m, p: string) => {
    const v = options.params?.[p];
    if (v === undefined) throw new Error(`invoke: missing param ${p} for ${template}`);
    return encodeURIComponent(v);
  });
  if (options.query) name += `?${new URLSearchParams(options.query).toString()}`;
  const { data, error, response } = await sb.functions.invoke(name, {
    method: method.toUpperCase() as 'GET',
    body: options.body as never,
    headers: options.headers,
  });
  if (error) {
    const res = (error as { context?: Response }).context;
    if (!res) throw error;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }
  return { status: response!.status, body: data as T, headers: response!.headers };
}

/**
 * The API of this test file: started in beforeAll, stopped in afterAll. `envOverrides` are server
 * variables (e.g. CHENU_OUTBOUND_ALLOW for a file that saves loopback webhook URLs); `functionsEnv`
 * the functions' own (e.g. CHENU_VAPID_PUBLIC_KEY); `mail` local auth's mailed links, read when the
 * API starts (so a file can start its mail catcher in an earlier beforeAll).
 */
export function useApi(
  envOverrides: Record<string, string> = {},
  extra: { functionsEnv?: Record<string, string>; mail?: () => AuthMailOptions } = {},
) {
  const state: { api?: RunningApi; dir?: string } = {};
  // the API commits: it gets a database of its own so the shared one's counts never move
  const iso = useIsolatedDatabase('api', 4);
  const sql = iso.sql();
  beforeAll(async () => {
    state.dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-api-'));
    // port 0: the OS picks a free port for the gateway (and for Deno)
    const env = {
      ...parseEnv({ CHENU_DATA_DIR: state.dir, CHENU_FILES_MAX_BYTES: String(64 * 1024), ...envOverrides }),
      CHENU_HTTP_PORT: 0,
    };
    state.api = await startApi({
      sql,
      databaseUrl: iso.url(),
      env,
      log: (line) => process.stderr.write(`${line}\n`),
      ...(extra.functionsEnv ? { extraFunctionsEnv: extra.functionsEnv } : {}),
      ...(extra.mail ? { mail: extra.mail() } : {}),
    });
  });
  afterAll(async () => {
    await state.api?.stop();
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });

  const api = () => state.api!;
  /** A supabase-js client of the gateway (no session storage, no background refresh). */
  const client = () =>
    createClient(api().url, api().anonKey, { auth: { persistSession: false, autoRefreshToken: false } });

  /** A fresh address for `label`, unique in the run. */
  const freshEmail = (label = 'user') =>
    `${label}-${process.pid}-${++counter}-${Date.now()}@test.chenu.local`;

  /** Signs up a fresh user (default identity included; onboarded) and signs them in. */
  async function newUser(label = 'user', email = freshEmail(label)): Promise<User> {
    const sb = client();
    const { data, error } = await sb.auth.signUp({
      email,
      password: 'correct-horse-battery',
      options: { data: { display_name: label } },
    });
    if (error || !data.session) throw error ?? new Error('sign-up returned no session');
    const claims = JSON.parse(Buffer.from(data.session.access_token.split('.')[1]!, 'base64url').toString());
    return {
      sb,
      id: data.user!.id,
      email,
      identityId: claims.identity_id,
      accessToken: data.session.access_token,
      call: (method, template, options) => invoke(sb, method, template, options),
    };
  }

  return { api, client, newUser, freshEmail, sql };
}
