/**
 * Configuration of the edge functions, parsed once from Deno.env with zod. On a hosted project
 * Supabase provides SUPABASE_URL and SUPABASE_DB_URL; the CHENU_* values are function secrets.
 */
import { z } from 'zod';
import { parseAllowList } from '../../../server/outbound/addressPolicy.ts';
import { DEMO_JWT_SECRET } from '../../../shared/demoCredentials.ts';

const ConfigSchema = z.object({
  /** Postgres the functions talk to (Supabase injects it on a hosted project). */
  SUPABASE_DB_URL: z.string().min(1),
  /** Public URL of the project (the local gateway locally); used for the OpenAPI servers list. */
  SUPABASE_URL: z.url().default('http://127.0.0.1:54321'),
  /**
   * HS256 secret of the JWTs, used when no JWKS is named (CHENU_JWKS_URL wins when set). Supabase's
   * public demo secret is refused unless CHENU_LOCAL_DEMO=true (the local gateway sets it).
   */
  CHENU_JWT_SECRET: z.string().min(32).optional(),
  /** Set by the local gateway on the embedded (or a declared throwaway) database only. */
  CHENU_LOCAL_DEMO: z.enum(['true', 'false']).default('false'),
  /**
   * JWKS of Supabase Auth (asymmetric signing keys): when set, the only source of token keys, as in
   * the realtime server; defaults to the project's well-known URL when no secret is set either.
   */
  CHENU_JWKS_URL: z.url().optional(),
  /** Connections of the functions' pool. */
  CHENU_FUNCTIONS_DB_POOL: z.coerce.number().int().min(1).max(100).default(10),
  /** Service key of the project (Supabase injects it); enables Supabase Storage for files. */
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(20).optional(),
  /**
   * Where file bytes go: `local` (CHENU_FILES_DIR) or `supabase` (Storage bucket
   * CHENU_STORAGE_BUCKET). Default: `supabase` when SUPABASE_SERVICE_ROLE_KEY is set, else `local`.
   */
  CHENU_FILES_BACKEND: z.enum(['local', 'supabase']).optional(),
  /** Private Storage bucket of the files (create it in the project first). */
  CHENU_STORAGE_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'a Storage bucket id')
    .default('chenu-files'),
  /** Where uploaded files are stored on the local disk. */
  CHENU_FILES_DIR: z.string().min(1).default('.chenu/files'),
  /** Upload size limit in bytes (the database refuses more than 50 MiB whatever this says). */
  CHENU_FILES_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(52_428_800)
    .default(10 * 1024 * 1024),
  /**
   * Addresses the outbound policy would refuse that server requests may reach anyway (comma-separated
   * IPs or CIDR ranges); checked when a webhook URL is saved (server/outbound/addressPolicy.ts).
   */
  CHENU_OUTBOUND_ALLOW: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseAllowList(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
});

export type Config = z.infer<typeof ConfigSchema> & { CHENU_FILES_BACKEND: 'local' | 'supabase' };

/** Parses Deno.env (or a given record) and names every bad variable at once. */
export function parseConfig(source: Record<string, string | undefined> = Deno.env.toObject()): Config {
  const parsed = ConfigSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`CHE·NU functions: invalid environment\n${lines.join('\n')}`);
  }
  if (parsed.data.CHENU_JWT_SECRET === DEMO_JWT_SECRET && parsed.data.CHENU_LOCAL_DEMO !== 'true') {
    throw new Error(
      "CHE·NU functions: refusing to start: CHENU_JWT_SECRET is Supabase's public demo secret; set it to your project's JWT secret (or leave it unset to verify against Supabase Auth's JWKS).",
    );
  }
  if (!parsed.data.CHENU_JWT_SECRET && !parsed.data.CHENU_JWKS_URL) {
    parsed.data.CHENU_JWKS_URL = new URL('/auth/v1/.well-known/jwks.json', parsed.data.SUPABASE_URL).href;
  }
  const backend =
    parsed.data.CHENU_FILES_BACKEND ?? (parsed.data.SUPABASE_SERVICE_ROLE_KEY ? 'supabase' : 'local');
  if (backend === 'supabase' && !parsed.data.SUPABASE_SERVICE_ROLE_KEY) {
    throw new Error(
      'CHE·NU functions: invalid environment\n  CHENU_FILES_BACKEND: supabase needs SUPABASE_SERVICE_ROLE_KEY',
    );
  }
  return { ...parsed.data, CHENU_FILES_BACKEND: backend };
}

let cached: Config | undefined;

/** The configuration of this process, parsed on first use. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
