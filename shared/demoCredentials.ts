/**
 * Supabase CLI's well-known local JWT secret, the default of local auth. It is public: a token
 * signed with it proves nothing, so servers refuse it outside local use (server/env.ts
 * `demoRefusal`, supabase/functions/_shared/config.ts).
 */
export const DEMO_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
