/**
 * One webhook attempt: POSTs the JSON payload through the outbound policy with an HMAC-SHA256
 * signature (`x-chenu-signature: v1=<hex of HMAC(secret, "<timestamp>.<body>")>`, timestamp in
 * `x-chenu-timestamp`). Receivers verify the signature and reject stale timestamps. The outcome's
 * error is safe to store and show: the outbound policy's fixed messages, or the receiver's status.
 */
import {
  OutboundError,
  type OutboundFetch,
} from '../../supabase/functions/_shared/outbound/outboundFetch.ts';

export interface WebhookAttempt {
  delivered: boolean;
  /** What the owner sees in last_error; null when delivered. */
  error: string | null;
}

/** Hex HMAC-SHA256 of `<timestamp>.<body>` with `secret`. */
export async function signPayload(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${timestamp}.${body}`));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function sendWebhook(
  outbound: OutboundFetch,
  target: { url: string; secret: string; deliveryId: string; attempt: number },
  payload: unknown,
  now: () => number = Date.now,
): Promise<WebhookAttempt> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(now() / 1000));
  try {
    const res = await outbound(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'CHENU-Webhooks/1',
        'x-chenu-delivery': target.deliveryId,
        'x-chenu-attempt': String(target.attempt),
        'x-chenu-timestamp': timestamp,
        'x-chenu-signature': `v1=${await signPayload(target.secret, timestamp, body)}`,
      },
      body,
    });
    return res.ok ? { delivered: true, error: null } : { delivered: false, error: `HTTP ${res.status}` };
  } catch (error) {
    if (error instanceof OutboundError) return { delivered: false, error: error.message };
    throw error;
  }
}
