import { z } from 'zod';

/**
 * Client configuration, parsed once from Vite's `import.meta.env` with zod. The same build talks
 * to the local gateway (`npm start` prints both values) or to a hosted Supabase project.
 */
const ClientEnvSchema = z.object({
  /** Supabase URL: the local gateway (http://127.0.0.1:54321) or https://<ref>.supabase.co */
  VITE_SUPABASE_URL: z.url().default('http://127.0.0.1:54321'),
  /** The project's anon (publishable) key; `npm start` prints the local one. */
  VITE_SUPABASE_ANON_KEY: z.string().min(20),
});

export type ClientEnv = z.infer<typeof ClientEnvSchema>;

/** Parses an environment record and names every bad variable at once. */
export function parseClientEnv(source: Record<string, unknown>): ClientEnv {
  const parsed = ClientEnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`CHE·NU client: invalid environment (set it in .env.local)\n${lines.join('\n')}`);
  }
  return parsed.data;
}

let cached: ClientEnv | undefined;

/** The client's configuration, from `import.meta.env` on first use. */
export function clientEnv(): ClientEnv {
  cached ??= parseClientEnv((import.meta as ImportMeta & { env: Record<string, unknown> }).env);
  return cached;
}
