import { MbprovError } from '@mbprov/core';
import Stripe from 'stripe';

/** Stripe keys and secrets as they may appear in a message (Stripe masks them, but never pass one on). */
const KEYS = /\b(sk|rk|pk|whsec)_[A-Za-z0-9_*]+/g;

/** What went wrong, for the operator's log: never the request, never a key. */
function describe(error: unknown): string {
  if (error instanceof Stripe.errors.StripeConnectionError) {
    const code = (error.detail as NodeJS.ErrnoException | undefined)?.code;
    return `no answer from Stripe (${error.message.replace(KEYS, '$1_…')}${code ? ` ${code}` : ''})`;
  }
  if (error instanceof Stripe.errors.StripeAuthenticationError)
    return 'Stripe refused the secret key (the variable named by payments.stripe.secretKeyEnv)';
  if (error instanceof Stripe.errors.StripeError) {
    const where = [
      error.statusCode ? `HTTP ${error.statusCode}` : undefined,
      error.type,
      error.code,
      error.requestId,
    ].filter(Boolean);
    return `Stripe answered an error (${where.join(', ')}): ${error.message.replace(KEYS, '$1_…')}`;
  }
  return `the Stripe SDK failed: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The one refusal for a Stripe call that gave no usable answer (no connection, timeout, 5xx, a body that is not JSON,
 * a refused key or request): `MBPROV_PAYMENT_PROVIDER_UNAVAILABLE`, naming what the portal was doing. The SDK error is
 * not kept as the cause, since its fields hold Stripe's raw answer; the message carries what an operator needs.
 */
export function stripeUnavailable(action: string, error: unknown): MbprovError {
  return new MbprovError('MBPROV_PAYMENT_PROVIDER_UNAVAILABLE', `cannot ${action}: ${describe(error)}`);
}
