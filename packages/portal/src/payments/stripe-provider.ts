import type { IncomingHttpHeaders } from 'node:http';
import type { Agent } from 'node:https';
import { MbprovError } from '@mbprov/core';
import { Value } from '@sinclair/typebox/value';
import Stripe from 'stripe';
import { type Config, StripeSettingsSchema } from '../config/schema.ts';
import type {
  PaymentEvent,
  PaymentProvider,
  PaymentRequest,
  PaymentStart,
  PaymentState,
} from './provider.ts';
import { stripeUnavailable } from './stripe/failure.ts';
import { intentState, sessionState } from './stripe/payment-state.ts';
import { sessionParams } from './stripe/session-request.ts';
import { readStripeWebhook } from './stripe/webhook.ts';

/** Where the customer pays: Stripe's hosted Checkout page (the plans page's form-action allows it). */
export const STRIPE_CHECKOUT_ORIGIN = 'https://checkout.stripe.com';

/**
 * Hosts the hosted Checkout page itself loads in the customer's browser (scripts, styles, fonts, fraud signals, the
 * 3D Secure frame), from Stripe's published domain list (docs.stripe.com/ips): a walled garden must let a customer
 * without a plan reach them. The card issuer's own 3D Secure page is not among them (see docs/payments-stripe.md).
 */
export const STRIPE_CHECKOUT_HOSTS: readonly string[] = [
  'checkout.stripe.com',
  'js.stripe.com',
  'api.stripe.com',
  'merchant-ui-api.stripe.com',
  'hooks.stripe.com',
  'm.stripe.network',
  'm.stripe.com',
  'q.stripe.com',
  'r.stripe.com',
  'a.stripecdn.com',
  'b.stripecdn.com',
  'c.stripecdn.com',
];

/** The checkout id's part of every idempotency key: Stripe keys are per endpoint, so each operation has its prefix. */
const key = (operation: 'start' | 'refund', checkoutId: string) => `mbprov-${operation}-${checkoutId}`;

/** An https URL, or undefined for anything else (node 20 has no URL.parse). */
function httpsUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A Stripe search query's quoted value. */
const quoted = (value: string) => `'${value.replace(/[\\']/g, '\\$&')}'`;

/**
 * The Stripe payment provider: a Stripe Checkout Session per checkout (Stripe's hosted page takes the card, the
 * portal never sees it), confirmed by signed webhooks and by reading the session when the customer returns. Every
 * call is keyed by the checkout id, so a retry never creates a second session or a second refund. The secret key
 * lives only inside the SDK client, the webhook secret in a private field: neither is logged or serialized.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly origins: readonly string[] = [STRIPE_CHECKOUT_ORIGIN];
  readonly walledGardenHosts: readonly string[] = STRIPE_CHECKOUT_HOSTS;
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;
  readonly #now: () => Date;

  /**
   * @param stripe an SDK client with its key, timeout and retries set (openStripeProvider builds it)
   * @param webhookSecret the signing secret (whsec_...) of the endpoint that posts to the portal
   * @param now the clock: the session's expiry and the webhook's timestamp tolerance are measured against it
   */
  constructor(stripe: Stripe, webhookSecret: string, now: () => Date = () => new Date()) {
    this.#stripe = stripe;
    this.#webhookSecret = webhookSecret;
    this.#now = now;
  }

  async start(request: PaymentRequest): Promise<PaymentStart> {
    const params = sessionParams(request, this.#now());
    const session = await this.#call('start a Stripe Checkout Session', () =>
      this.#stripe.checkout.sessions.create(params, { idempotencyKey: key('start', request.checkoutId) }),
    );
    const url = httpsUrl(session?.url);
    if (typeof session?.id !== 'string' || !url)
      throw new MbprovError(
        'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
        'Stripe answered the new Checkout Session without its id or URL',
      );
    // The plans page's form-action CSP lets the browser go to `origins` only: elsewhere it would stop on a blank page.
    if (!this.origins.includes(url.origin))
      throw new MbprovError(
        'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
        `Stripe sends the customer to ${url.origin}, not to ${STRIPE_CHECKOUT_ORIGIN} (a custom Checkout domain is not supported)`,
      );
    return { kind: 'redirect', paymentId: session.id, url: url.href };
  }

  async status(payment: { checkoutId: string; paymentId: string | null }): Promise<PaymentState | undefined> {
    if (payment.paymentId === null) return this.#find(payment.checkoutId);
    const { paymentId } = payment;
    const session = await this.#call('read a Stripe Checkout Session', () =>
      this.#stripe.checkout.sessions.retrieve(paymentId, { expand: ['payment_intent.latest_charge'] }),
    );
    if (session?.client_reference_id !== payment.checkoutId)
      throw new MbprovError(
        'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
        `Stripe's Checkout Session ${paymentId} is not the one of checkout ${payment.checkoutId}`,
      );
    return sessionState(session, 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE');
  }

  /**
   * The payment of a checkout whose session id the portal never recorded. Stripe cannot search Checkout Sessions, so
   * this searches PaymentIntents by the metadata the session gave them. A session creates its PaymentIntent only
   * when the customer pays, and Stripe's search index lags by up to about a minute: undefined means nothing was paid
   * or attempted as far as the index knows, and a late capture still arrives by webhook.
   */
  async #find(checkoutId: string): Promise<PaymentState | undefined> {
    const found = await this.#call('search Stripe PaymentIntents', () =>
      this.#stripe.paymentIntents.search({
        query: `metadata['checkoutId']:${quoted(checkoutId)}`,
        expand: ['data.latest_charge'],
      }),
    );
    if (!Array.isArray(found?.data))
      throw new MbprovError(
        'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
        'Stripe answered a search without results',
      );
    const states = found.data
      .filter((intent) => intent?.metadata?.checkoutId === checkoutId)
      .map((intent) => intentState(intent, 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE'));
    return (
      states.find((s) => s.status === 'captured') ??
      states.find((s) => s.status === 'open') ??
      states.find((s) => s.status === 'canceled')
    );
  }

  /**
   * Expires the session. Stripe refuses to expire one that is no longer open (paid, or expired already): the
   * session is then read, and only a session still open makes the refusal an error. Expiring is idempotent by
   * nature, so the SDK's own key per call suffices; a fixed key would replay a transient failure for 24 hours.
   */
  async cancel(payment: { checkoutId: string; paymentId: string }): Promise<void> {
    try {
      await this.#stripe.checkout.sessions.expire(payment.paymentId);
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError))
        throw stripeUnavailable('expire a Stripe Checkout Session', error);
      const state = await this.status(payment);
      if (state?.status === 'open') throw stripeUnavailable('expire a Stripe Checkout Session', error);
    }
  }

  /**
   * Refunds the PaymentIntent in full, keyed by the checkout (one session, so one PaymentIntent, per checkout). A
   * PaymentIntent refunded already, by an earlier call whose key Stripe has forgotten (24 h) or in the Dashboard,
   * counts as done.
   */
  async refund(capture: { checkoutId: string; reference: string }): Promise<void> {
    let refund: Stripe.Refund;
    try {
      refund = await this.#stripe.refunds.create(
        { payment_intent: capture.reference, metadata: { checkoutId: capture.checkoutId } },
        { idempotencyKey: key('refund', capture.checkoutId) },
      );
    } catch (error) {
      if (
        error instanceof Stripe.errors.StripeInvalidRequestError &&
        error.code === 'charge_already_refunded'
      )
        return;
      throw stripeUnavailable(`refund ${capture.reference}`, error);
    }
    if (refund?.status === 'failed' || refund?.status === 'canceled' || typeof refund?.id !== 'string')
      throw new MbprovError(
        'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
        `Stripe's refund of ${capture.reference} is ${refund?.status ?? 'not a refund'}`,
      );
  }

  readWebhook(body: Buffer, headers: IncomingHttpHeaders): PaymentEvent | undefined {
    return readStripeWebhook(this.#stripe.webhooks, body, headers, this.#webhookSecret, this.#now());
  }

  async #call<T>(action: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw stripeUnavailable(action, error);
    }
  }
}

/** What tests and embedding programs may change about the Stripe connection. */
export interface StripeProviderOptions {
  /** The HTTPS agent of the API calls: a test passes one that trusts its local double's certificate. */
  httpAgent?: Agent;
  /** The clock (default: the system clock). */
  now?: () => Date;
}

const secretFrom = (
  env: Record<string, string | undefined>,
  setting: string,
  name: string,
  shape: RegExp,
  what: string,
): string => {
  const value = env[name];
  if (!value)
    throw new MbprovError(
      'MBPROV_CONFIG_INVALID',
      `payments.stripe.${setting}: the environment variable ${name} (the ${what}) is not set`,
    );
  if (!shape.test(value))
    throw new MbprovError(
      'MBPROV_CONFIG_INVALID',
      `payments.stripe.${setting}: the environment variable ${name} does not hold a ${what}`,
    );
  return value;
};

/**
 * Opens the Stripe provider of a configuration (`payments.stripe`, its defaults when absent): the secret key and the
 * webhook signing secret come from the environment variables it names, checked for their shape (a publishable key
 * or a swapped pair is a named `MBPROV_CONFIG_INVALID`, never quoted); the SDK gets its API version pinned, the
 * configured timeout and retries, and no telemetry.
 */
export function openStripeProvider(
  config: Config,
  env: Record<string, string | undefined> = process.env,
  options: StripeProviderOptions = {},
): StripePaymentProvider {
  const settings = config.payments.stripe ?? Value.Create(StripeSettingsSchema);
  const secretKey = secretFrom(
    env,
    'secretKeyEnv',
    settings.secretKeyEnv,
    /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
    'Stripe secret key (sk_... or rk_...)',
  );
  const webhookSecret = secretFrom(
    env,
    'webhookSecretEnv',
    settings.webhookSecretEnv,
    /^whsec_[A-Za-z0-9+/=_-]+$/,
    'Stripe webhook signing secret (whsec_...)',
  );
  const base = settings.apiBase ? new URL(settings.apiBase) : undefined;
  const stripe = new Stripe(secretKey, {
    apiVersion: Stripe.API_VERSION,
    timeout: settings.timeoutMs,
    maxNetworkRetries: settings.maxNetworkRetries,
    telemetry: false,
    appInfo: { name: 'mbprov' },
    ...(base ? { protocol: 'https' as const, host: base.hostname, port: base.port || 443 } : {}),
    ...(options.httpAgent ? { httpAgent: options.httpAgent } : {}),
  });
  return new StripePaymentProvider(stripe, webhookSecret, options.now);
}
