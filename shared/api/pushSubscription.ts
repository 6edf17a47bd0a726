/**
 * A browser's PushSubscription (`subscription.toJSON()`), as a push channel keeps it in
 * `config.subscription`. Zod only: the functions validate channels with it without loading web-push.
 */
import { z } from 'zod';

export const PushSubscriptionSchema = z.object({
  endpoint: z.url().max(2048),
  keys: z.object({ p256dh: z.string().min(40).max(200), auth: z.string().min(16).max(100) }),
});
export type PushSubscription = z.infer<typeof PushSubscriptionSchema>;
