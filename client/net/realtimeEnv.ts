import { z } from 'zod';

/**
 * Where the realtime rooms are: `VITE_REALTIME_URL` (ws:// or wss://), else port 2567 on the page's
 * host. Parsed once. (Kept beside the feed until client/env.ts, owned by the API issue, carries it.)
 */
const RealtimeEnv = z.object({
  VITE_REALTIME_URL: z
    .string()
    .regex(/^wss?:\/\//)
    .optional(),
});

let cached: string | undefined;

export function realtimeUrl(): string {
  if (cached) return cached;
  const env = RealtimeEnv.parse((import.meta as ImportMeta & { env?: Record<string, unknown> }).env ?? {});
  const host = typeof location === 'undefined' ? '127.0.0.1' : location.hostname;
  cached = env.VITE_REALTIME_URL ?? `ws://${host}:2567`;
  return cached;
}
