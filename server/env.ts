import { z } from 'zod';

/**
 * Server configuration, parsed once from the environment. Nothing else in server/ reads
 * process.env: import `env` from here.
 */
const EnvSchema = z.object({
  /** A Supabase project's Postgres (or any Postgres 15+). When unset, embedded Postgres runs. */
  DATABASE_URL: z.url().optional(),
  /** Port of the embedded Postgres (Supabase's local db port by default). */
  CHENU_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54322),
  /** Where local state lives: `pg/` (embedded data dir) and later `files/`. */
  CHENU_DATA_DIR: z.string().min(1).default('.chenu'),
  /** Port of the local HTTP entry point (health now; the API gateway later). */
  CHENU_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(54321),
  /** Load supabase/seed.sql into an empty database at start. */
  CHENU_SEED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export type Env = z.infer<typeof EnvSchema>;

/** Parses an environment (process.env by default) and explains every bad variable at once. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`CHE·NU: invalid environment\n${lines.join('\n')}`);
  }
  return parsed.data;
}
