import type { IncomingHttpHeaders } from 'node:http';
import { MbprovError } from '@mbprov/core';
import Stripe from 'stripe';
import type { PaymentEvent } from '../provider.ts';
import { sessionState } from './payment-state.ts';

/** How old a signed delivery may be (seconds): Stripe's default tolerance, against replays of old deliveries. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The events the portal's Stripe webhook endpoint subscribes to: each says where a checkout's session stands. */
export const STRIPE_WEBHOOK_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
] as const;

const EVENTS: ReadonlySet<string> = new Set(STRIPE_WEBHOOK_EVENTS);

const invalid = (why: string) =>
  new MbprovError('MBPROV_PAYMENT_WEBHOOK_INVALID', `Stripe webhook refused: ${why}`);

/**
 * Verifies a Stripe webhook delivery with the SDK's own check (HMAC-SHA256 of the raw body under the endpoint's
 * signing secret, constant-time comparison, timestamp at most 300 s old at `receivedAt`) and reads it as a
 * `PaymentEvent`. Refusals (`MBPROV_PAYMENT_WEBHOOK_INVALID`) name the reason but never echo the SDK's message, which
 * can quote the length and last characters of the configured secret. Undefined: an authentic event of another type,
 * or about a Checkout Session the portal did not create (another integration on the same Stripe account).
 */
export function readStripeWebhook(
  webhooks: Stripe['webhooks'],
  body: Buffer,
  headers: IncomingHttpHeaders,
  secret: string,
  receivedAt: Date,
): PaymentEvent | undefined {
  const header = headers['stripe-signature'];
  if (typeof header !== 'string' || header === '') throw invalid('no Stripe-Signature header');
  let event: Stripe.Event;
  try {
    event = webhooks.constructEvent(
      body,
      header,
      secret,
      WEBHOOK_TOLERANCE_SECONDS,
      undefined,
      receivedAt.getTime(),
    );
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeSignatureVerificationError))
      throw invalid('the signed body is not a JSON event');
    throw invalid(
      error.message === 'Timestamp outside the tolerance zone'
        ? `the signature is older than ${WEBHOOK_TOLERANCE_SECONDS} s (a replay, or a delivery held up)`
        : 'the Stripe-Signature header does not verify for this body and the configured signing secret',
    );
  }
  if (typeof event?.id !== 'string' || typeof event.type !== 'string')
    throw invalid('the signed body is not a Stripe event');
  if (!EVENTS.has(event.type)) return undefined;
  const session = (event.data as { object?: Stripe.Checkout.Session } | undefined)?.object;
  if (session?.object !== 'checkout.session' || typeof session.id !== 'string')
    throw invalid(`the ${event.type} event holds no Checkout Session`);
  const checkoutId = session.metadata?.checkoutId;
  if (session.mode !== 'payment' || !checkoutId || session.client_reference_id !== checkoutId)
    return undefined;
  return {
    eventId: event.id,
    checkoutId,
    paymentId: session.id,
    state: sessionState(
      session,
      'MBPROV_PAYMENT_WEBHOOK_INVALID',
      event.type === 'checkout.session.async_payment_failed',
    ),
  };
}
