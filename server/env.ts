import { z } from 'zod';
import { authIssuer } from '../shared/auth/verifyAccessToken.ts';
import { DEMO_JWT_SECRET } from '../shared/demoCredentials.ts';
import { parseAllowList } from '../supabase/functions/_shared/outbound/addressPolicy.ts';

/**
 * Server configuration, parsed once from the environment. Nothing else in server/ reads
 * process.env: import `env` from here.
 */
const EnvSchema = z
  .object({
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
    /**
     * Load supabase/seed.sql (demo users and content) into an empty database at start. Unset: yes on
     * the embedded database or with CHENU_LOCAL_DEMO, no on DATABASE_URL.
     */
    CHENU_SEED: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
    /**
     * Declares a DATABASE_URL database a local throwaway: the demo JWT secret and the demo users are
     * then allowed on it, as they are on the embedded database. Never set it for a deployment.
     */
    CHENU_LOCAL_DEMO: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /**
     * Secret of the local auth's HS256 JWTs, shared with the functions. The default is Supabase
     * CLI's well-known demo secret, refused outside local use (see `demoRefusal`).
     */
    CHENU_JWT_SECRET: z.string().min(32).default(DEMO_JWT_SECRET),
    /**
     * A hosted project's Supabase Auth JWKS (https://<ref>.supabase.co/auth/v1/.well-known/jwks.json):
     * when set, the realtime server and the functions verify tokens against it instead of
     * CHENU_JWT_SECRET (one verifier, shared/auth/verifyAccessToken.ts).
     */
    CHENU_JWKS_URL: z.url().optional(),
    /**
     * The `iss` of user tokens (Supabase Auth: https://<ref>.supabase.co/auth/v1). Default: the issuer
     * CHENU_JWKS_URL names, else local auth's (`http://127.0.0.1:<CHENU_HTTP_PORT>/auth/v1`); see `jwtIssuer`.
     */
    CHENU_JWT_ISSUER: z.url().optional(),
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
    /**
     * Addresses the outbound policy refuses (loopback, private, link-local, CGNAT, …) that server
     * requests (webhooks, the AI provider) may reach anyway: comma-separated IPs or CIDR ranges.
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
    /** One deadline per outbound request, redirects and body included. */
    CHENU_OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** Largest response body an outbound request reads. */
    CHENU_OUTBOUND_MAX_RESPONSE_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
    /** Webhook deliveries: attempts before a delivery is failed, first retry delay (doubles), poll period. */
    CHENU_WEBHOOK_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
    CHENU_WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    CHENU_WEBHOOK_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /**
     * The SMTP server mail goes to (`smtp://user:pass@host:587`, `smtps://…`): auth links and
     * notification emails. Unset: `npm start` runs a local mail catcher and sends there.
     */
    CHENU_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL')
      .optional(),
    CHENU_MAIL_FROM: z.string().min(3).max(200).default('CHE·NU <no-reply@chenu.local>'),
    /** Loopback ports of the local mail catcher (SMTP, web inbox). */
    CHENU_MAIL_SMTP_PORT: z.coerce.number().int().min(0).max(65535).default(1025),
    CHENU_MAIL_WEB_PORT: z.coerce.number().int().min(0).max(65535).default(1080),
    /** New local-auth users confirm their address by mail before signing in with a password. */
    CHENU_AUTH_CONFIRM_EMAIL: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Where mailed auth links send people (the client); default: the client's dev server. */
    CHENU_SITE_URL: z.url().optional(),
    /** Who push services may contact about this server's VAPID key. */
    CHENU_VAPID_SUBJECT: z
      .string()
      .regex(/^(mailto:|https:\/\/)/, 'a mailto: or https:// URI')
      .default('mailto:admin@chenu.local'),
    /** The OpenAI-compatible model server of the `openai_compatible` agents (see the functions' config). */
    CHENU_AI_BASE_URL: z.url().optional(),
    CHENU_AI_API_KEY: z.string().min(1).optional(),
    CHENU_AI_MODEL: z.string().min(1).max(200).optional(),
    CHENU_AI_AGENTS: z.string().optional(),
    CHENU_AI_TIMEOUT_MS: z.string().optional(),
    CHENU_AI_MAX_RETRIES: z.string().optional(),
    CHENU_REVIEW_WINDOW_SECONDS: z.string().optional(),
    CHENU_SMS_PROVIDER: z.string().optional(),
    /** Voice: SFU child processes `npm start` runs (0: no voice). */
    CHENU_SFU_PROCESSES: z.coerce.number().int().min(0).max(64).default(1),
    /**
     * Voice: control URLs (ws://host:port) of the SFU processes this realtime process uses; `npm start`
     * fills it with its own children. Unset: no voice (the rooms say so to clients that ask).
     */
    CHENU_SFU_URLS: z
      .string()
      .default('')
      .transform((text) =>
        text
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url({ protocol: /^wss?$/ }))),
    /** Voice: the secret realtime processes present to SFU control ports (`npm start` makes one when unset). */
    CHENU_SFU_SECRET: z.string().min(32).optional(),
    /** SFU process: where its control port listens (only realtime processes need to reach it). */
    CHENU_SFU_CONTROL_HOST: z.string().min(1).default('127.0.0.1'),
    CHENU_SFU_CONTROL_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    /** SFU process: the address its media (UDP) sockets bind to. */
    CHENU_SFU_BIND: z.ipv4().default('127.0.0.1'),
    /** SFU process: the address clients reach its media on (the one candidate offered); default the bind address. */
    CHENU_SFU_ANNOUNCED_ADDRESS: z.ipv4().optional(),
    /** SFU process: UDP port range of its media sockets, `min-max` (a firewall's opening); any port when unset. */
    CHENU_SFU_UDP_PORTS: z
      .string()
      .regex(/^\d{1,5}-\d{1,5}$/, 'expected min-max, e.g. 40000-40999')
      .transform((text) => text.split('-').map(Number) as [number, number])
      .refine(([min, max]) => min >= 1024 && max <= 65535 && min <= max, 'a range within 1024-65535')
      .optional(),
    /** Voice ICE: STUN server URLs handed to clients (comma-separated `stun:host:port`). */
    CHENU_ICE_STUN_URLS: z
      .string()
      .default('')
      .transform((text) =>
        text
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^stuns?:[^\s,]+$/, 'expected stun:host[:port]'))),
    /** Voice ICE: TURN server URLs handed to clients (e.g. coturn: `turn:turn.example.com:3478?transport=udp`). */
    CHENU_ICE_TURN_URLS: z
      .string()
      .default('')
      .transform((text) =>
        text
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^turns?:[^\s,]+$/, 'expected turn:host[:port][?transport=udp|tcp]'))),
    /** Voice ICE: coturn's `static-auth-secret` (use-auth-secret): each session gets its own short-lived credential. */
    CHENU_ICE_TURN_SECRET: z.string().min(16).optional(),
    /** Voice ICE: lifetime of a TURN credential, in seconds. */
    CHENU_ICE_TURN_TTL: z.coerce.number().int().min(60).max(86_400).default(3600),
  })
  .superRefine((env, ctx) => {
    if (env.CHENU_ICE_TURN_URLS.length > 0 && !env.CHENU_ICE_TURN_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['CHENU_ICE_TURN_SECRET'],
        message: "required with CHENU_ICE_TURN_URLS (coturn's static-auth-secret)",
      });
    }
  });

/** The function secrets `npm start` hands the functions as they are (the functions parse them). */
export const FUNCTION_PASSTHROUGH = [
  'CHENU_AI_BASE_URL',
  'CHENU_AI_API_KEY',
  'CHENU_AI_MODEL',
  'CHENU_AI_AGENTS',
  'CHENU_AI_TIMEOUT_MS',
  'CHENU_AI_MAX_RETRIES',
  'CHENU_REVIEW_WINDOW_SECONDS',
  'CHENU_SMS_PROVIDER',
] as const;

export type Env = z.infer<typeof EnvSchema>;

/**
 * The issuer of user tokens the realtime server and the functions accept (shared/auth `authIssuer`):
 * CHENU_JWT_ISSUER, else the JWKS URL's, else local auth's under `gatewayUrl` (where it runs).
 */
export function jwtIssuer(
  env: Pick<Env, 'CHENU_JWT_ISSUER' | 'CHENU_JWKS_URL' | 'CHENU_HTTP_PORT'>,
  gatewayUrl = `http://127.0.0.1:${env.CHENU_HTTP_PORT}`,
): string {
  return authIssuer({ issuer: env.CHENU_JWT_ISSUER, jwksUrl: env.CHENU_JWKS_URL, projectUrl: gatewayUrl })!;
}

/** The embedded database, or one declared a local throwaway: demo credentials are allowed there. */
export function isLocalDemo(env: Pick<Env, 'DATABASE_URL' | 'CHENU_LOCAL_DEMO'>): boolean {
  return !env.DATABASE_URL || env.CHENU_LOCAL_DEMO;
}

/** Whether `npm start` loads the demo seed into an empty database. */
export function seedsDemo(env: Pick<Env, 'DATABASE_URL' | 'CHENU_LOCAL_DEMO' | 'CHENU_SEED'>): boolean {
  return env.CHENU_SEED ?? isLocalDemo(env);
}

/**
 * Why a server must not start on this configuration (one line naming the fix), or undefined: the
 * public demo JWT secret, or demo users asked for, on a database that is not local. Anyone can sign
 * a token with the demo secret, and the demo users' password is in the README.
 */
export function demoRefusal(
  env: Pick<Env, 'DATABASE_URL' | 'CHENU_LOCAL_DEMO' | 'CHENU_SEED' | 'CHENU_JWT_SECRET'>,
): string | undefined {
  if (isLocalDemo(env)) return undefined;
  if (env.CHENU_JWT_SECRET === DEMO_JWT_SECRET) {
    return (
      "CHE·NU: refusing to start: CHENU_JWT_SECRET is Supabase's public demo secret and DATABASE_URL is not a " +
      "local database; set CHENU_JWT_SECRET to your project's JWT secret (or CHENU_LOCAL_DEMO=true if this " +
      'database is a local throwaway).'
    );
  }
  if (env.CHENU_SEED === true) {
    return (
      'CHE·NU: refusing to start: CHENU_SEED=true would load the demo users (README passwords) into ' +
      'DATABASE_URL; unset CHENU_SEED (or set CHENU_LOCAL_DEMO=true if this database is a local throwaway).'
    );
  }
  return undefined;
}

/** Parses an environment (process.env by default) and explains every bad variable at once. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`CHE·NU: invalid environment\n${lines.join('\n')}`);
  }
  return parsed.data;
}
