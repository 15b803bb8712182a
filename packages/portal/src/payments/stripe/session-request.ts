import { MbprovError } from '@mbprov/core';
import type Stripe from 'stripe';
import type { PaymentRequest } from '../provider.ts';

/**
 * Stripe accepts a Checkout Session's `expires_at` only between 30 minutes and 24 hours after it creates the session
 * (docs.stripe.com/payments/checkout/managing-limited-inventory). One minute of margin each side absorbs the request's
 * time in flight and a small clock difference with Stripe.
 */
const SHORTEST_MS = 31 * 60_000;
const LONGEST_MS = 24 * 3_600_000 - 60_000;

/**
 * The `expires_at` (Unix seconds) of the Checkout Session of a checkout that expires at `expiresAt`.
 *
 * A retried create must send the same parameters as the first, or Stripe refuses its idempotency key
 * (`idempotency_error`), so the value depends on `now` as little as possible:
 * - the checkout's own expiry when it is 31 minutes to 23 h 59 min away;
 * - `expiresAt` + 31 min when the checkout has less than 31 minutes left (a short `checkouts.ttlMinutes`, or a plans
 *   page posted late): every call in those last minutes sends the same value, and the portal's expiry sweep ends the
 *   session on time with `cancel`;
 * - now + 23 h 59 min when the checkout ends later than that (`checkouts.ttlMinutes` of 1440 only).
 * A checkout already expired starts nothing: `MBPROV_CHECKOUT_EXPIRED`.
 */
export function sessionExpiry(expiresAt: Date, now: Date): number {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0)
    throw new MbprovError(
      'MBPROV_CHECKOUT_EXPIRED',
      `the checkout expired at ${expiresAt.toISOString()}; no Stripe payment is started`,
    );
  const at =
    left < SHORTEST_MS
      ? expiresAt.getTime() + SHORTEST_MS
      : left > LONGEST_MS
        ? now.getTime() + LONGEST_MS
        : expiresAt.getTime();
  return Math.floor(at / 1000);
}

/** The metadata every Stripe object of a checkout carries: how a webhook or a search finds the checkout again. */
export function checkoutMetadata(
  request: Pick<PaymentRequest, 'checkoutId' | 'account'>,
): Record<string, string> {
  const { iccid, imsi } = request.account;
  return {
    checkoutId: request.checkoutId,
    ...(iccid ? { iccid } : {}),
    ...(imsi ? { imsi } : {}),
  };
}

/**
 * The Checkout Session that takes a checkout's payment: one line of the plan's price and name, in the customer's
 * language, back to the portal on success or cancel, tagged with the checkout id (`client_reference_id` and metadata
 * of the session and of its PaymentIntent).
 */
export function sessionParams(request: PaymentRequest, now: Date): Stripe.Checkout.SessionCreateParams {
  const metadata = checkoutMetadata(request);
  return {
    mode: 'payment',
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: request.currency.toLowerCase(),
          unit_amount: request.amountMinor,
          product_data: { name: request.description },
        },
      },
    ],
    client_reference_id: request.checkoutId,
    metadata,
    payment_intent_data: { metadata },
    success_url: request.returnUrl,
    cancel_url: request.cancelUrl,
    expires_at: sessionExpiry(request.expiresAt, now),
    locale: request.lang,
  };
}
