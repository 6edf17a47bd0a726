/**
 * One webhook attempt: POSTs the JSON payload through the outbound policy, signed as Standard
 * Webhooks specifies (https://www.standardwebhooks.com, the `standardwebhooks` package):
 * `webhook-id` (the delivery's id, the same on every retry: receivers dedupe on it),
 * `webhook-timestamp` (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">`. A receiver verifies with any Standard Webhooks library and the
 * channel's secret (`whsec_…`, shown once at creation), which also rejects stale timestamps. The
 * outcome's error is safe to store and show: the outbound policy's fixed messages, or the
 * receiver's status.
 */
import { Webhook } from 'standardwebhooks';
import {
  OutboundError,
  type OutboundFetch,
} from '../../supabase/functions/_shared/outbound/outboundFetch.ts';

export interface WebhookAttempt {
  delivered: boolean;
  /** What the owner sees in last_error; null when delivered. */
  error: string | null;
}

/** The prefix of a Standard Webhooks secret (base64 key bytes follow). */
const SECRET_PREFIX = 'whsec_';

/**
 * The signer of a channel's secret: a `whsec_…` secret is base64 key bytes (what the API hands out);
 * any other secret (one written to the row directly) is signed with as raw text, as the library's
 * `raw` format does. Undefined when the secret cannot be a key (malformed base64).
 */
function signerOf(secret: string): Webhook | undefined {
  try {
    return secret.startsWith(SECRET_PREFIX) ? new Webhook(secret) : new Webhook(secret, { format: 'raw' });
  } catch {
    return undefined;
  }
}

export async function sendWebhook(
  outbound: OutboundFetch,
  target: { url: string; secret: string; deliveryId: string; attempt: number },
  payload: unknown,
  now: () => number = Date.now,
): Promise<WebhookAttempt> {
  const signer = signerOf(target.secret);
  if (!signer) return { delivered: false, error: 'the channel’s signing secret is not a valid whsec_ key' };
  const body = JSON.stringify(payload);
  const at = new Date(now());
  try {
    const res = await outbound(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'CHENU-Webhooks/1',
        'webhook-id': target.deliveryId,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signer.sign(target.deliveryId, at, body),
        'x-chenu-attempt': String(target.attempt),
      },
      body,
    });
    return res.ok ? { delivered: true, error: null } : { delivered: false, error: `HTTP ${res.status}` };
  } catch (error) {
    if (error instanceof OutboundError) return { delivered: false, error: error.message };
    throw error;
  }
}
