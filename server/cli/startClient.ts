import { createServer, type ViteDevServer } from 'vite';

export interface ClientOptions {
  port: number;
  /** The gateway URL and anon key the client's supabase-js uses. */
  supabaseUrl: string;
  anonKey: string;
  realtimeUrl: string;
}

/**
 * The WebXR client's Vite dev server (repo vite.config.ts, client/), configured for the local stack:
 * Vite reads VITE_* from process.env into import.meta.env when the server is created.
 */
export async function startClient(options: ClientOptions): Promise<ViteDevServer> {
  process.env.VITE_SUPABASE_URL = options.supabaseUrl;
  process.env.VITE_SUPABASE_ANON_KEY = options.anonKey;
  process.env.VITE_REALTIME_URL = options.realtimeUrl;
  const server = await createServer({
    configFile: 'vite.config.ts',
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: options.port, strictPort: true },
  });
  await server.listen();
  return server;
}
