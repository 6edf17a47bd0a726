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
  /** Port of the realtime (Colyseus) server. */
  CHENU_REALTIME_PORT: z.coerce.number().int().min(1).max(65535).default(2567),
  /** When set, realtime uses Redis presence + driver (scale-out); local presence otherwise. */
  REDIS_URL: z.url().optional(),
  /** host:port other realtime processes send clients to for rooms on this one (scale-out). */
  CHENU_REALTIME_PUBLIC_ADDRESS: z.string().min(1).optional(),
  /** Comma-separated identity ids allowed to open the Colyseus monitor. */
  CHENU_ADMIN_IDENTITY_IDS: z.string().default(''),
  /** Port of the WebXR client's dev server started by `npm start`. */
  CHENU_CLIENT_PORT: z.coerce.number().int().min(1).max(65535).default(5173),
  /** Load supabase/seed.sql into an empty database at start. */
  CHENU_SEED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /**
   * Secret of the local auth's HS256 JWTs, shared with the functions. The default is Supabase
   * CLI's well-known local secret: local use only, never a deployed project.
   */
  CHENU_JWT_SECRET: z.string().min(32).default('super-secret-jwt-token-with-at-least-32-characters-long'),
  /**
   * A hosted project's Supabase Auth JWKS (https://<ref>.supabase.co/auth/v1/.well-known/jwks.json):
   * when set, the realtime server and the functions verify tokens against it instead of
   * CHENU_JWT_SECRET (one verifier, shared/auth/verifyAccessToken.ts).
   */
  CHENU_JWKS_URL: z.url().optional(),
  /** Lifetime of access tokens minted by local auth, in seconds. */
  CHENU_ACCESS_TOKEN_TTL: z.coerce.number().int().min(10).max(86_400).default(3600),
  /** Loopback port of the Deno functions process behind the gateway (0: any free port). */
  CHENU_FUNCTIONS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Upload size limit of the files function, in bytes. */
  CHENU_FILES_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(52_428_800)
    .default(10 * 1024 * 1024),
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
