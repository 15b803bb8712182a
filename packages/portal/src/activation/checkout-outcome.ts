import type { DeclineReason } from '../payments/provider.ts';
import type { Checkout } from '../storage/checkouts.ts';

/** Where a checkout stands, as the pages answer it. */
export type CheckoutOutcome =
  | { kind: 'completed'; subscriberId: string; subscriptionId: string }
  /** Paid for nothing yet: the provider has not confirmed the payment (the customer's return came first). */
  | { kind: 'pending'; checkoutId: string }
  | { kind: 'declined'; reason: DeclineReason }
  /** The customer gave up on the provider's page, or the payment expired there; nothing was charged. */
  | { kind: 'canceled' }
  /** Paid but impossible to activate for another reason than an active plan (the provider took another amount). */
  | { kind: 'refunded' }
  | { kind: 'already-active'; subscriberId: string }
  | { kind: 'plan-unavailable' }
  /** The form was older than checkouts.ttlMinutes, or the expiry sweep cancelled the checkout. */
  | { kind: 'expired' }
  /** The SIM or the client started their maximum of checkouts in the window; nothing was stored. */
  | { kind: 'limited'; retryAfterSeconds: number }
  | { kind: 'unknown-checkout' };

/** A checkout that already ended answers the same way again (double clicks, reloads, repeated webhooks). */
export function settledOutcome(checkout: Checkout): CheckoutOutcome | undefined {
  switch (checkout.status) {
    case 'completed':
      return checkout.subscription_id
        ? {
            kind: 'completed',
            subscriberId: checkout.subscriber_id,
            subscriptionId: checkout.subscription_id,
          }
        : undefined;
    case 'declined':
      return { kind: 'declined', reason: (checkout.failure ?? 'card-declined') as DeclineReason };
    case 'canceled':
      return { kind: 'canceled' };
    case 'refunded':
      return checkout.failure === 'already-active' || checkout.failure === null
        ? { kind: 'already-active', subscriberId: checkout.subscriber_id }
        : { kind: 'refunded' };
    case 'superseded':
      return checkout.failure === 'plan-unavailable'
        ? { kind: 'plan-unavailable' }
        : { kind: 'already-active', subscriberId: checkout.subscriber_id };
    case 'expiring':
    case 'expired':
      return { kind: 'expired' };
    default:
      return undefined;
  }
}
