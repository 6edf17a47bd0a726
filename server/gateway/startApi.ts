/**
 * The local API: the Deno functions process and the gateway in front of it, started together and
 * stopped together. Used by `npm start`, the API tests and the API benchmark.
 */
import type { Server } from 'node:http';
import path from 'node:path';
import type { Sql } from 'postgres';
import { isLocalDemo, type Env } from '../env.ts';
import { formatAllowList } from '../../supabase/functions/_shared/outbound/addressPolicy.ts';
import { startDenoFunctions } from './denoFunctions.ts';
import type { AuthMailOptions } from './authMail.ts';
import { startGateway } from './gateway.ts';
import { projectKeys, type ProjectKeys } from './jwt.ts';

export interface RunningApi extends ProjectKeys {
  /** The gateway, e.g. http://127.0.0.1:54321 (VITE_SUPABASE_URL of the client). */
  url: string;
  functionsUrl: string;
  stop(): Promise<void>;
}

export interface StartApiOptions {
  sql: Sql;
  databaseUrl: string;
  env: Pick<
    Env,
    | 'CHENU_HTTP_PORT'
    | 'CHENU_JWT_SECRET'
    | 'CHENU_JWKS_URL'
    | 'CHENU_JWT_ISSUER'
    | 'CHENU_ACCESS_TOKEN_TTL'
    | 'CHENU_FUNCTIONS_PORT'
    | 'CHENU_DATA_DIR'
    | 'CHENU_FILES_MAX_BYTES'
    | 'DATABASE_URL'
    | 'CHENU_LOCAL_DEMO'
    | 'CHENU_OUTBOUND_ALLOW'
  >;
  extraFunctionsEnv?: Record<string, string>;
  log?: (line: string) => void;
  /** Local auth's mailed links (npm start: to its mail catcher, or CHENU_SMTP_URL). */
  mail?: AuthMailOptions;
}

export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const { env } = options;
  const keys = await projectKeys(env.CHENU_JWT_SECRET);
  // the gateway listens first: its URL is SUPABASE_URL inside the functions
  const upstream: { url?: string } = {};
  const server: Server = await startGateway({
    sql: options.sql,
    port: env.CHENU_HTTP_PORT,
    functionsUrl: () => upstream.url,
    jwtSecret: env.CHENU_JWT_SECRET,
    accessTokenTtl: env.CHENU_ACCESS_TOKEN_TTL,
    keys,
    ...(options.mail ? { mail: options.mail } : {}),
  });
  const closeServer = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const port = (server.address() as { port: number }).port;
  let functions: Awaited<ReturnType<typeof startDenoFunctions>>;
  try {
    functions = await startDenoFunctions({
      databaseUrl: options.databaseUrl,
      publicUrl: `http://127.0.0.1:${port}`,
      jwtSecret: env.CHENU_JWT_SECRET,
      jwksUrl: env.CHENU_JWKS_URL,
      jwtIssuer: env.CHENU_JWT_ISSUER,
      localDemo: isLocalDemo(env),
      port: env.CHENU_FUNCTIONS_PORT,
      filesDir: path.join(env.CHENU_DATA_DIR, 'files'),
      filesMaxBytes: env.CHENU_FILES_MAX_BYTES,
      // the functions check webhook URLs against the same allow-list when they are saved
      extraEnv: {
        CHENU_OUTBOUND_ALLOW: formatAllowList(env.CHENU_OUTBOUND_ALLOW),
        ...options.extraFunctionsEnv,
      },
      log: options.log,
    });
  } catch (error) {
    await closeServer();
    throw error;
  }
  upstream.url = functions.url;
  let stopped = false;
  return {
    ...keys,
    url: `http://127.0.0.1:${port}`,
    functionsUrl: functions.url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await closeServer();
      await functions.stop();
    },
  };
}
