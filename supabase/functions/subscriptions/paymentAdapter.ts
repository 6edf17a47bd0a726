/**
 * The payment adapter point. Every plan change a person makes (`POST /subscriptions`,
 * `…/{id}/change`, `…/{id}/cancel`) is confirmed here BEFORE the database records it; the ledger
 * then applies it at the period boundary. This deployment has no payment processor: `noProcessor`
 * confirms every change without charging, and the prices of the catalog are shown, not billed.
 *
 * To bill, implement `PaymentAdapter` for a processor (Stripe, Paddle…) and return it from
 * `paymentAdapter()`: `confirm` creates or updates the processor's subscription (a refusal — card
 * declined — returns `{ ok: false, reason }`, answered as 402 and nothing changes). The processor's
 * own events (renewal paid, payment failed) would arrive on a webhook route of this function that
 * verifies the processor's signature and calls the same private.* functions with the service role
 * (e.g. setting `status = 'past_due'`).
 */

/** A change a person asks for, as the adapter sees it. */
export interface PlanChange {
  kind: 'subscribe' | 'change' | 'cancel';
  userId: string;
  planId?: string;
  subscriptionId?: string;
}

export interface PaymentAdapter {
  readonly name: string;
  confirm(change: PlanChange): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/** No payment processor: changes are confirmed, nothing is charged. */
export const noProcessor: PaymentAdapter = {
  name: 'none',
  confirm: () => Promise.resolve({ ok: true }),
};

/** The adapter of this deployment. */
export function paymentAdapter(): PaymentAdapter {
  return noProcessor;
}
