import { type Code, MbprovError } from '@mbprov/core';
import type Stripe from 'stripe';
import type { DeclineReason, PaymentMethod, PaymentState } from '../provider.ts';

/**
 * How Stripe's objects read as a `PaymentState`. A Checkout Session does not end on a declined card: the customer
 * tries again on Stripe's page until the session completes or expires, so a card decline is never final here. Only a
 * delayed payment method (bank debit, konbini, ...) that fails after the session completed is `declined`.
 */

/** `nonsense` is the code to refuse an object that is not what Stripe sends: provider unavailable, or webhook invalid. */
type Nonsense = Extract<Code, 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE' | 'MBPROV_PAYMENT_WEBHOOK_INVALID'>;

const refuse = (nonsense: Nonsense, what: string) =>
  new MbprovError(nonsense, `Stripe sent a ${what}; the portal does not understand it`);

const expanded = <T extends { id: string }>(value: string | T | null | undefined): T | undefined =>
  value && typeof value === 'object' ? value : undefined;

const idOf = (value: string | { id: string } | null | undefined): string | undefined =>
  typeof value === 'string' ? value : value && typeof value.id === 'string' ? value.id : undefined;

/** The card brand and last four digits of a charge, when Stripe gives them (the PaymentIntent's `latest_charge`). */
export function chargeMethod(charge: Stripe.Charge | undefined): PaymentMethod | undefined {
  const details = charge?.payment_method_details;
  if (!details) return undefined;
  if (details.type === 'card' && details.card)
    return {
      kind: 'card',
      ...(details.card.brand ? { brand: details.card.brand } : {}),
      ...(details.card.last4 ? { last4: details.card.last4 } : {}),
    };
  return { kind: 'other', label: details.type };
}

const DECLINES: Record<string, DeclineReason> = {
  insufficient_funds: 'insufficient-funds',
  expired_card: 'expired-card',
  incorrect_number: 'invalid-card',
  invalid_number: 'invalid-card',
  invalid_expiry_month: 'invalid-card',
  invalid_expiry_year: 'invalid-card',
  incorrect_cvc: 'invalid-card',
  invalid_cvc: 'invalid-card',
};

/** Why a PaymentIntent's last attempt failed, in the portal's words (`card-declined` when Stripe says no more). */
export function declineReason(intent: Stripe.PaymentIntent | undefined): DeclineReason {
  const error = intent?.last_payment_error;
  return DECLINES[error?.decline_code ?? ''] ?? DECLINES[error?.code ?? ''] ?? 'card-declined';
}

function captured(
  nonsense: Nonsense,
  reference: string | undefined,
  amountMinor: number | null | undefined,
  currency: string | null | undefined,
  charge: Stripe.Charge | undefined,
): PaymentState {
  if (!reference || !Number.isSafeInteger(amountMinor) || (amountMinor as number) < 0)
    throw refuse(nonsense, 'paid payment without its PaymentIntent or amount');
  if (typeof currency !== 'string' || !/^[a-z]{3}$/i.test(currency))
    throw refuse(nonsense, `paid payment in the currency ${JSON.stringify(currency)}`);
  const method = chargeMethod(charge);
  return {
    status: 'captured',
    reference,
    amountMinor: amountMinor as number,
    currency: currency.toUpperCase(),
    ...(method ? { method } : {}),
  };
}

/**
 * The state of a Checkout Session: `open` while the customer is on Stripe's page (declined cards included) or a
 * delayed payment method is still processing; `captured` once paid (reference = the PaymentIntent, whose latest
 * charge, when expanded, gives the card); `canceled` once expired; `declined` when a delayed payment method failed
 * after the session completed (`asyncFailed`: the `checkout.session.async_payment_failed` event, or the expanded
 * PaymentIntent back to `requires_payment_method` or `canceled`).
 */
export function sessionState(
  session: Stripe.Checkout.Session,
  nonsense: Nonsense,
  asyncFailed = false,
): PaymentState {
  const intent = expanded(session.payment_intent);
  switch (session.status) {
    case 'open':
      return { status: 'open' };
    case 'expired':
      return { status: 'canceled' };
    case 'complete':
      if (session.payment_status === 'paid')
        return captured(
          nonsense,
          idOf(session.payment_intent),
          session.amount_total,
          session.currency,
          expanded(intent?.latest_charge),
        );
      if (session.payment_status !== 'unpaid')
        throw refuse(nonsense, `completed Checkout Session with payment_status ${session.payment_status}`);
      if (asyncFailed || intent?.status === 'requires_payment_method' || intent?.status === 'canceled')
        return { status: 'declined', reason: declineReason(intent) };
      return { status: 'open' };
    default:
      throw refuse(nonsense, `Checkout Session with status ${JSON.stringify(session.status)}`);
  }
}

/**
 * The state of a PaymentIntent found by its checkout's metadata (when the portal lost the session id): `captured`
 * once succeeded, `canceled` once Stripe cancelled it (its session expired), otherwise `open`, since the session may
 * still take another attempt.
 */
export function intentState(intent: Stripe.PaymentIntent, nonsense: Nonsense): PaymentState {
  if (intent.status === 'succeeded')
    return captured(
      nonsense,
      intent.id,
      intent.amount_received,
      intent.currency,
      expanded(intent.latest_charge),
    );
  if (intent.status === 'canceled') return { status: 'canceled' };
  return { status: 'open' };
}
