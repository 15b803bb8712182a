import type { IncomingHttpHeaders } from 'node:http';

/**
 * How the portal takes money (issue 15, docs/payments.md). Card data never reaches the portal: a provider either
 * sends the customer to its own hosted page and confirms by a signed webhook and a status check, or charges the
 * subscriber's operator account directly. Every call is idempotent per checkout id, so a retry after a timeout, a
 * crash or a double click never charges twice.
 */

/** The page language the customer chose; hosted pages are opened in it. */
export type PaymentLang = 'en' | 'ja';

/** How the customer paid, as far as the provider says: for the receipt. Never a full card number. */
export interface PaymentMethod {
  /** `card` (brand and last four digits when known), `account` (the subscriber's operator account) or `other`. */
  kind: 'card' | 'account' | 'other';
  /** Card brand in lower case as providers name it: `visa`, `mastercard`, `amex`, `jcb`, ... */
  brand?: string;
  /** The last four digits of the card or account number. */
  last4?: string;
  /** What the provider calls the method when it is not a card ("Prepaid balance"). */
  label?: string;
}

/** A payment the portal asks for when a customer posts the plans page. */
export interface PaymentRequest {
  /** The checkout id: the idempotency key of every call about this payment, and how a confirmation finds it. */
  checkoutId: string;
  /** In the currency's minor unit (cents; yen have none). */
  amountMinor: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** What the customer sees on the hosted page and the statement: operator and plan name. */
  description: string;
  /** The subscriber's line: operator billing charges this account; card providers keep it as metadata. */
  account: { iccid: string | null; imsi: string | null };
  /** Where the hosted page sends the customer after paying; the portal then asks `status`, never trusting the URL. */
  returnUrl: string;
  /** Where the hosted page sends the customer who gives up; the plans page with the plan still chosen. */
  cancelUrl: string;
  /** After this the payment must no longer be possible (the checkout expires: checkouts.ttlMinutes). */
  expiresAt: Date;
  lang: PaymentLang;
}

/** Why a payment failed for good, as the pages explain it. */
export type DeclineReason =
  | 'card-declined'
  | 'insufficient-funds'
  | 'expired-card'
  | 'invalid-card'
  /** Operator billing refused the charge to the account (barred, no balance, limit reached). */
  | 'account-refused';

/** The provider's answer about one payment. `captured`, `declined` and `canceled` are final. */
export type PaymentState =
  /** Not paid yet: the customer is on the hosted page, or the charge is still processing. */
  | { status: 'open' }
  | {
      status: 'captured';
      /** The provider's id of the money taken: what a refund names. */
      reference: string;
      /** What was actually taken; the portal refunds a capture that does not match the checkout. */
      amountMinor: number;
      currency: string;
      method?: PaymentMethod;
    }
  | { status: 'declined'; reason: DeclineReason }
  /** Nothing was or will be charged: the customer gave up, or the payment expired or was cancelled. */
  | { status: 'canceled' };

/** What starting a payment gives. */
export type PaymentStart =
  /** Send the customer to the provider's hosted page; the answer comes by webhook and on return. */
  | { kind: 'redirect'; paymentId: string; url: string }
  /** Charged or refused at once (operator billing); `open` when the answer is not known yet (a timeout). */
  | { kind: 'settled'; paymentId: string; state: PaymentState };

/** A verified webhook: the provider's news about one payment. */
export interface PaymentEvent {
  /** The provider's event id: the same event delivered twice has the same id. */
  eventId: string;
  checkoutId: string;
  paymentId: string;
  state: PaymentState;
}

/**
 * A payment provider. Implementations keep no state of their own in the portal process (the provider keeps its
 * records), answer every call again the same way after a restart, and throw `MbprovError`
 * (`MBPROV_PAYMENT_PROVIDER_UNAVAILABLE`) when the provider cannot be reached or answers nonsense.
 */
export interface PaymentProvider {
  /** The name in configuration and logs: `test`, `stripe`, `operator-billing`. */
  readonly name: string;
  /**
   * Origins (scheme://host[:port]) the customer's browser is sent to: the plans page's form-action CSP allows them
   * and the walled-garden export lists their hosts, since a customer without a plan must reach them.
   */
  readonly origins: readonly string[];
  /**
   * Every host the customer's browser reaches while paying (the hosted page and what it loads), for the walled
   * garden's export; the hosts of `origins` when left out.
   */
  readonly walledGardenHosts?: readonly string[];
  /** Starts the payment of a checkout; called again with the same request, it answers the same payment. */
  start(request: PaymentRequest): Promise<PaymentStart>;
  /**
   * The provider's current answer: on the customer's return, by the expiry sweep, and after a crash. `paymentId` is
   * null when the portal never recorded one (a crash right after `start`); providers that can, find the payment by
   * the checkout id. Undefined: no payment was ever started for this checkout.
   */
  status(payment: { checkoutId: string; paymentId: string | null }): Promise<PaymentState | undefined>;
  /** Makes an open payment impossible to complete (the checkout expired). Idempotent; a no-op once it is final. */
  cancel(payment: { checkoutId: string; paymentId: string }): Promise<void>;
  /** Gives back a capture in full. Idempotent per capture. */
  refund(capture: { checkoutId: string; reference: string }): Promise<void>;
  /**
   * Verifies a webhook delivery (its raw body and headers: signature, timestamp tolerance) and reads it. Throws
   * `MBPROV_PAYMENT_WEBHOOK_INVALID` when it is not authentic; undefined for authentic events that say nothing about
   * a payment. Providers without webhooks leave it out.
   */
  readWebhook?(body: Buffer, headers: IncomingHttpHeaders): PaymentEvent | undefined;
}
