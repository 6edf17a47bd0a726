/**
 * Webhook delivery: POSTs the JSON payload to the channel's URL with an HMAC-SHA256 signature
 * (`x-chenu-signature: v1=<hex of HMAC(secret, "<timestamp>.<body>")>`, timestamp in
 * `x-chenu-timestamp`) and retries non-2xx answers and network errors with doubling delays.
 * Receivers verify the signature and reject stale timestamps.
 */
import { config } from './config.ts';

export interface DeliveryOutcome {
  delivered: boolean;
  attempts: number;
  lastError: string | null;
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

/** Delivers one payload, retrying up to CHENU_WEBHOOK_ATTEMPTS times. */
export async function deliverWebhook(
  url: string,
  secret: string,
  deliveryId: string,
  payload: unknown,
): Promise<DeliveryOutcome> {
  const { CHENU_WEBHOOK_ATTEMPTS, CHENU_WEBHOOK_BACKOFF_MS, CHENU_WEBHOOK_TIMEOUT_MS } = config();
  const body = JSON.stringify(payload);
  let lastError: string | null = null;
  for (let attempt = 1; attempt <= CHENU_WEBHOOK_ATTEMPTS; attempt++) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-chenu-delivery': deliveryId,
          'x-chenu-attempt': String(attempt),
          'x-chenu-timestamp': timestamp,
          'x-chenu-signature': `v1=${await signPayload(secret, timestamp, body)}`,
        },
        body,
        signal: AbortSignal.timeout(CHENU_WEBHOOK_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (res.ok) return { delivered: true, attempts: attempt, lastError: null };
      lastError = `HTTP ${res.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (attempt < CHENU_WEBHOOK_ATTEMPTS) {
      await new Promise((resolve) => setTimeout(resolve, CHENU_WEBHOOK_BACKOFF_MS * 2 ** (attempt - 1)));
    }
  }
  return { delivered: false, attempts: CHENU_WEBHOOK_ATTEMPTS, lastError };
}
