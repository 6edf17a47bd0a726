/**
 * One Web Push attempt: the notification, encrypted for the subscription's keys (RFC 8291) and
 * signed with the server's VAPID key, built by `web-push` (`generateRequestDetails`) and POSTed
 * through the outbound policy — web-push's own sender would reach any address. A subscription the
 * push service no longer knows (404, 410) is failed for good; other errors are retried.
 */
import webPush from 'web-push';
import {
  OutboundError,
  type OutboundFetch,
} from '../../supabase/functions/_shared/outbound/outboundFetch.ts';
import type { PushSubscription } from '../../shared/api/pushSubscription.ts';
import type { VapidKeys } from './vapidKeys.ts';

export { PushSubscriptionSchema, type PushSubscription } from '../../shared/api/pushSubscription.ts';

export interface PushAttempt {
  delivered: boolean;
  /** Safe to store and show (the policy's fixed messages, or the push service's status). */
  error: string | null;
  /** The subscription is gone: do not retry. */
  final: boolean;
}

export async function sendPush(
  outbound: OutboundFetch,
  vapid: VapidKeys,
  subscription: PushSubscription,
  payload: unknown,
): Promise<PushAttempt> {
  const details = webPush.generateRequestDetails(subscription, JSON.stringify(payload), {
    vapidDetails: { subject: vapid.subject, publicKey: vapid.publicKey, privateKey: vapid.privateKey },
    TTL: 24 * 3600,
  });
  const headers = Object.fromEntries(
    Object.entries(details.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  try {
    const res = await outbound(details.endpoint, {
      method: 'POST',
      headers,
      ...(details.body ? { body: new Uint8Array(details.body) } : {}),
    });
    if (res.ok) return { delivered: true, error: null, final: false };
    const gone = res.status === 404 || res.status === 410;
    return {
      delivered: false,
      error: `HTTP ${res.status}${gone ? ' (subscription expired)' : ''}`,
      final: gone,
    };
  } catch (error) {
    if (error instanceof OutboundError) return { delivered: false, error: error.message, final: false };
    throw error;
  }
}
