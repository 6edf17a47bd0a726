/**
 * Configuration of the edge functions, parsed once from Deno.env with zod. On a hosted project
 * Supabase provides SUPABASE_URL and SUPABASE_DB_URL; the CHENU_* values are function secrets.
 */
import { z } from 'zod';
import { checkUrl, parseAllowList } from './outbound/addressPolicy.ts';
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
  /**
   * The `iss` of user tokens; default: the issuer CHENU_JWKS_URL names, else `<SUPABASE_URL>/auth/v1`
   * (Supabase Auth's; the local gateway's local auth) — shared/auth `authIssuer`, as in realtime.
   */
  CHENU_JWT_ISSUER: z.url().optional(),
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
   * IPs or CIDR ranges); checked when a webhook URL is saved (_shared/outbound/addressPolicy.ts).
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
  /**
   * The OpenAI-compatible model server of the `openai_compatible` agents (OpenAI, Ollama, vLLM…):
   * base URL with the API version (`https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`), its key
   * and the model to ask for (default: the agent row's `model`). Unset: built-in agents only.
   */
  CHENU_AI_BASE_URL: z.url().optional(),
  CHENU_AI_API_KEY: z.string().min(1).optional(),
  CHENU_AI_MODEL: z.string().min(1).max(200).optional(),
  /** Endpoints per agent slug, JSON: `{"<slug>": {"baseUrl": …, "apiKey": …, "model": …}}`. */
  CHENU_AI_AGENTS: z
    .string()
    .default('{}')
    .transform((text, ctx) => {
      try {
        return AgentEndpoints.parse(JSON.parse(text));
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `not a JSON object of agent endpoints: ${(error as Error).message}`,
        });
        return z.NEVER;
      }
    }),
  /** One deadline per model request (the whole streamed answer), and its largest response. */
  CHENU_AI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(120_000),
  CHENU_AI_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  /** Retries of a 429 / 5xx answer, and the first backoff (doubling). */
  CHENU_AI_MAX_RETRIES: z.coerce.number().int().min(0).max(6).default(2),
  CHENU_AI_RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  /** How long a run held for human review keeps its tokens, in seconds. */
  CHENU_REVIEW_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(90 * 24 * 3600)
    .default(7 * 24 * 3600),
  /** An SMS provider's name once one is wired; unset, SMS channels are refused at creation. */
  CHENU_SMS_PROVIDER: z.string().min(1).optional(),
  /** The server's VAPID public key (Web Push): clients subscribe with it; unset, push channels are refused. */
  CHENU_VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{80,100}$/, 'a base64url VAPID public key')
    .optional(),
});

const AgentEndpoints = z.record(
  z.string().min(1).max(63),
  z.object({ baseUrl: z.url(), apiKey: z.string().min(1).optional(), model: z.string().min(1).optional() }),
);

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
  // a model server the outbound policy would never reach is a configuration error, said at start
  const endpoints = [
    ...(parsed.data.CHENU_AI_BASE_URL ? [['CHENU_AI_BASE_URL', parsed.data.CHENU_AI_BASE_URL]] : []),
    ...Object.entries(parsed.data.CHENU_AI_AGENTS).map(([slug, e]) => [`CHENU_AI_AGENTS.${slug}`, e.baseUrl]),
  ];
  for (const [name, url] of endpoints) {
    const checked = checkUrl(url!, parsed.data.CHENU_OUTBOUND_ALLOW);
    if ('refused' in checked) {
      throw new Error(
        `CHE·NU functions: invalid environment\n  ${name}: the outbound policy refuses ${url} (${checked.refused}); ` +
          'a model server on this machine or a private network needs its address in CHENU_OUTBOUND_ALLOW',
      );
    }
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
