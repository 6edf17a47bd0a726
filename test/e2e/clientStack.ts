/**
 * The backend a client test talks to, on a database of the file's own (copied from the run's seeded
 * template, so committed writes never move another file's counts): the real gateway + Deno functions
 * (server/gateway/startApi) and, when asked, the real Colyseus server (server/realtime), all on
 * OS-chosen loopback ports. Hooks are registered by the call: use it at the top of a test file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import type { Sql } from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../server/db/embeddedPostgres.ts';
import { parseEnv } from '../../server/env.ts';
import { startApi, type RunningApi } from '../../server/gateway/startApi.ts';
import { createRealtimeServer, type RealtimeServer } from '../../server/realtime/createRealtimeServer.ts';
import type { RealtimeTimings } from '../../server/realtime/realtimeContext.ts';
import { spawnSfu, type SfuProcess } from '../../server/voice/spawnSfu.ts';
import { useIsolatedDatabase } from '../helpers/isolatedDatabase.ts';

export interface ClientStack {
  sql(): Sql;
  api(): RunningApi;
  /** ws:// URL of the realtime server (only with `realtime`). */
  realtimeUrl(): string;
  realtimePort(): number;
  /** Stops the realtime server (its rooms flush what they hold) and starts a new one on the same port. */
  restartRealtime(): Promise<void>;
  jwtSecret: string;
  /** A supabase-js client of the gateway without persisted sessions or background refresh. */
  supabase(): SupabaseClient;
  /** The SFU process's control URL and secret (only with `voice`). */
  sfu(): { url: string; secret: string };
  /** Signs up a fresh user through local auth (at `email`, or a fresh one) and returns its signed-in client and ids. */
  newUser(
    label?: string,
    email?: string,
  ): Promise<{ sb: SupabaseClient; userId: string; identityId: string; token: string; email: string }>;
}

let users = 0;

export function useClientStack(
  name: string,
  options: { realtime?: boolean; timings?: Partial<RealtimeTimings>; voice?: boolean } = {},
): ClientStack {
  const db = useIsolatedDatabase(name);
  const env = parseEnv({});
  const state: {
    api?: RunningApi;
    rt?: RealtimeServer;
    port?: number;
    dir?: string;
    sfu?: SfuProcess;
    sfuSecret?: string;
  } = {};
  beforeAll(async () => {
    state.dir = await mkdtemp(path.join(os.tmpdir(), 'chenu-client-'));
    state.api = await startApi({
      sql: db.sql(),
      databaseUrl: db.url(),
      env: { ...parseEnv({ CHENU_DATA_DIR: state.dir }), CHENU_HTTP_PORT: 0 },
      log: () => {},
    });
    if (options.realtime) {
      // with voice: one SFU child process on loopback, as npm start runs it
      const secret = (state.sfuSecret = randomBytes(24).toString('hex'));
      state.sfu = options.voice ? await spawnSfu({ secret }) : undefined;
      state.rt = await createRealtimeServer({
        sql: db.sql(),
        jwtSecret: env.CHENU_JWT_SECRET,
        timings: options.timings,
        log: () => {},
        ...(state.sfu
          ? {
              voice: {
                sfuUrls: [state.sfu.url],
                secret,
                ice: { stunUrls: [], turnUrls: [], turnTtlSeconds: 3600 },
              },
            }
          : {}),
      });
      state.port = await freePort();
      await state.rt.listen(state.port);
    }
    realtimeOptions = {
      sql: db.sql(),
      jwtSecret: env.CHENU_JWT_SECRET,
      timings: options.timings,
      log: () => {},
    };
  });
  let realtimeOptions: Parameters<typeof createRealtimeServer>[0] | undefined;
  afterAll(async () => {
    await state.rt?.stop();
    await state.sfu?.stop();
    await state.api?.stop();
    if (state.dir) await rm(state.dir, { recursive: true, force: true });
  });
  const stack: ClientStack = {
    sql: db.sql,
    api: () => state.api!,
    realtimeUrl: () => `ws://127.0.0.1:${state.port!}`,
    realtimePort: () => state.port!,
    async restartRealtime() {
      await state.rt!.stop();
      state.rt = await createRealtimeServer(realtimeOptions!);
      await state.rt.listen(state.port!);
    },
    sfu: () => ({ url: state.sfu!.url, secret: state.sfuSecret! }),
    jwtSecret: env.CHENU_JWT_SECRET,
    supabase: () =>
      createClient(state.api!.url, state.api!.anonKey, {
        auth: { persistSession: false, autoRefreshToken: false },
      }),
    async newUser(label = 'user', email = `${label}-${process.pid}-${++users}@client.chenu.local`) {
      const sb = stack.supabase();
      const { data, error } = await sb.auth.signUp({
        email,
        password: 'correct-horse-battery',
        options: { data: { display_name: label } },
      });
      if (error || !data.session) throw error ?? new Error('sign-up returned no session');
      const token = data.session.access_token;
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
        identity_id: string;
      };
      return { sb, userId: data.user!.id, identityId: claims.identity_id, token, email };
    },
  };
  return stack;
}
