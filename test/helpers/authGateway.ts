/**
 * The local gateway alone (local auth, no Deno functions) on a database of the file's own, for the
 * auth door suites: supabase-js clients of it, and raw requests from a chosen loopback source
 * address (Linux routes all of 127/8 to `lo`), since throttling is per client address.
 */
import http from 'node:http';
import type { Server } from 'node:http';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll } from 'vitest';
import { parseEnv } from '../../server/env.ts';
import { startGateway } from '../../server/gateway/gateway.ts';
import { projectKeys, type ProjectKeys } from '../../server/gateway/jwt.ts';
import { useIsolatedDatabase } from './isolatedDatabase.ts';

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export function useAuthGateway(name: string) {
  const iso = useIsolatedDatabase(name, 4);
  const state: { server?: Server; keys?: ProjectKeys; url?: string } = {};
  beforeAll(async () => {
    const env = parseEnv({});
    state.keys = await projectKeys(env.CHENU_JWT_SECRET);
    state.server = await startGateway({
      sql: iso.sql(),
      port: 0,
      functionsUrl: () => undefined,
      jwtSecret: env.CHENU_JWT_SECRET,
      accessTokenTtl: env.CHENU_ACCESS_TOKEN_TTL,
      keys: state.keys,
    });
    state.url = `http://127.0.0.1:${(state.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    state.server?.closeAllConnections();
    await new Promise((resolve) => state.server?.close(resolve) ?? resolve(undefined));
  });

  /** A supabase-js client of the gateway (no session storage, no background refresh). */
  const client = () =>
    createClient(state.url!, state.keys!.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
    });

  /** POSTs JSON to `/auth/v1<path>` from `localAddress`. */
  const post = (path: string, body: unknown, localAddress = '127.0.0.1'): Promise<RawReply> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        `${state.url}/auth/v1${path}`,
        {
          method: 'POST',
          localAddress,
          agent: false,
          headers: { apikey: state.keys!.anonKey, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: text ? JSON.parse(text) : {},
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });

  return { client, post, sql: iso.sql, url: () => state.url!, keys: () => state.keys! };
}
