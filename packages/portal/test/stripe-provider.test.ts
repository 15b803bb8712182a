// The Stripe provider against a local HTTPS double of the Stripe API (helpers/stripe-double.ts): the exact requests
// the official SDK sends (path, form fields, Idempotency-Key, Authorization, Stripe-Version), how Stripe's answers read
// as payment states, webhooks signed with the SDK's own generateTestHeaderString, and every way Stripe can fail to
// answer. What the double cannot prove about the real service is listed in docs/payments-stripe.md.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { MbprovError } from '@mbprov/core';
import { Value } from '@sinclair/typebox/value';
import Stripe from 'stripe';
import { loadConfig } from '../src/config/load.ts';
import { type Config, StripeSettingsSchema } from '../src/config/schema.ts';
import { freeLoopbackPort } from '../src/free-port.ts';
import type { PaymentRequest, PaymentState } from '../src/payments/provider.ts';
import { sessionExpiry } from '../src/payments/stripe/session-request.ts';
import {
  openStripeProvider,
  type StripePaymentProvider,
  type StripeProviderOptions,
} from '../src/payments/stripe-provider.ts';
import { type RecordedRequest, StripeDouble } from './helpers/stripe-double.ts';

const SECRET_KEY = 'sk_test_51MbprovDoubleKey0123456789abcdefWXYZ';
const WEBHOOK_SECRET = 'whsec_9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const ENV = { STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET };
const MINUTE = 60_000;
const guard = { timeout: 60_000 };

let double: StripeDouble;
let clock = new Date();
let provider: StripePaymentProvider;

function configWith(stripe: Partial<NonNullable<Config['payments']['stripe']>>): Config {
  return loadConfig({
    adjust: (c) => {
      c.payments.stripe = { ...Value.Create(StripeSettingsSchema), ...stripe };
    },
  });
}

/** A provider on the double with its own settings (timeouts, retries) and the test clock. */
function providerWith(
  stripe: Partial<NonNullable<Config['payments']['stripe']>> = {},
  env: Record<string, string | undefined> = ENV,
  options: StripeProviderOptions = {},
): StripePaymentProvider {
  return openStripeProvider(
    configWith({ apiBase: double.apiBase, timeoutMs: 5_000, maxNetworkRetries: 0, ...stripe }),
    env,
    { httpAgent: double.agent(), now: () => clock, ...options },
  );
}

function paymentRequest(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
  return {
    checkoutId: randomUUID(),
    amountMinor: 1980,
    currency: 'JPY',
    description: 'Example Mobile 3 GB / 30 days',
    account: { iccid: '8981100000000000018', imsi: '440101234567890' },
    returnUrl: 'https://portal.example/checkout/return?c=1',
    cancelUrl: 'https://portal.example/plans?plan=3gb',
    expiresAt: new Date(clock.getTime() + 60 * MINUTE),
    lang: 'ja',
    ...overrides,
  };
}

/** The requests the double received while `action` ran. */
async function requestsOf(action: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const from = double.requests.length;
  await action();
  return double.requests.slice(from);
}

/** Runs `action`, expecting the named refusal; returns it. */
async function refusal(action: () => Promise<unknown> | unknown, code: string): Promise<MbprovError> {
  try {
    await action();
  } catch (error) {
    assert.ok(error instanceof MbprovError, `not an MbprovError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

/** A Checkout Session the double created for a new checkout. */
async function started(request = paymentRequest()): Promise<{ request: PaymentRequest; sessionId: string }> {
  const start = await provider.start(request);
  assert.equal(start.kind, 'redirect');
  return { request, sessionId: start.paymentId };
}

/** The customer pays the session with `card` on the double; the capture the provider must then report. */
function paidWith(
  sessionId: string,
  card: { brand: string; last4: string },
  amountMinor: number,
  currency: string,
): PaymentState {
  const reference = double.pay(sessionId, card);
  return { status: 'captured', reference, amountMinor, currency, method: { kind: 'card', ...card } };
}

/** A webhook delivery as Stripe signs it: the event, its raw body and a Stripe-Signature header. */
function delivery(
  type: string,
  object: Record<string, unknown>,
  options: { secret?: string; at?: Date } = {},
): { body: Buffer; headers: Record<string, string>; eventId: string } {
  const eventId = `evt_${randomUUID().replaceAll('-', '')}`;
  const payload = JSON.stringify(
    {
      id: eventId,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(clock.getTime() / 1000),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    },
    null,
    2,
  );
  const header = Stripe.webhooks.generateTestHeaderString({
    payload,
    secret: options.secret ?? WEBHOOK_SECRET,
    timestamp: Math.floor((options.at ?? clock).getTime() / 1000),
  });
  return { body: Buffer.from(payload), headers: { 'stripe-signature': header }, eventId };
}

before(async () => {
  double = await StripeDouble.start(SECRET_KEY);
  provider = providerWith();
});

after(async () => {
  await double.close();
});

describe('Stripe provider: starting a payment', guard, () => {
  it('creates one Checkout Session with the amount, currency, description, metadata, URLs, expiry, language and key', async () => {
    const request = paymentRequest();
    let start: Awaited<ReturnType<StripePaymentProvider['start']>> | undefined;
    const [sent, ...more] = await requestsOf(async () => {
      start = await provider.start(request);
    });
    assert.equal(more.length, 0);
    assert.ok(sent);
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/v1/checkout/sessions');
    assert.deepEqual(sent.form, {
      mode: 'payment',
      'line_items[0][quantity]': '1',
      'line_items[0][price_data][currency]': 'jpy',
      'line_items[0][price_data][unit_amount]': '1980',
      'line_items[0][price_data][product_data][name]': 'Example Mobile 3 GB / 30 days',
      client_reference_id: request.checkoutId,
      'metadata[checkoutId]': request.checkoutId,
      'metadata[iccid]': '8981100000000000018',
      'metadata[imsi]': '440101234567890',
      'payment_intent_data[metadata][checkoutId]': request.checkoutId,
      'payment_intent_data[metadata][iccid]': '8981100000000000018',
      'payment_intent_data[metadata][imsi]': '440101234567890',
      success_url: 'https://portal.example/checkout/return?c=1',
      cancel_url: 'https://portal.example/plans?plan=3gb',
      expires_at: String(Math.floor(request.expiresAt.getTime() / 1000)),
      locale: 'ja',
    });
    assert.equal(sent.headers['idempotency-key'], `mbprov-start-${request.checkoutId}`);
    assert.equal(sent.headers.authorization, `Bearer ${SECRET_KEY}`);
    assert.equal(sent.headers['stripe-version'], Stripe.API_VERSION);
    assert.equal(sent.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(sent.headers['x-stripe-client-telemetry'], undefined);
    const [sessionId] = double.sessionIds().slice(-1);
    assert.deepEqual(start, {
      kind: 'redirect',
      paymentId: sessionId,
      url: `https://checkout.stripe.com/c/pay/${sessionId}#fidkdWxOYHwnPyd1blpxYHZxWjA0`,
    });
  });

  it('sends English and leaves out a line identity the SIM does not have', async () => {
    const request = paymentRequest({ lang: 'en', account: { iccid: null, imsi: '440101234567890' } });
    const [sent] = await requestsOf(() => provider.start(request));
    assert.equal(sent?.form.locale, 'en');
    assert.equal(sent?.form['metadata[iccid]'], undefined);
    assert.equal(sent?.form['payment_intent_data[metadata][iccid]'], undefined);
    assert.equal(sent?.form['metadata[imsi]'], '440101234567890');
  });

  it('a retried start sends the same idempotency key and answers the same session', async () => {
    const request = paymentRequest();
    const sessionsBefore = double.sessionIds().length;
    const first = await provider.start(request);
    clock = new Date(clock.getTime() + 2 * MINUTE);
    const sent = await requestsOf(() => provider.start(request));
    const second = await provider.start(request);
    assert.equal(sent[0]?.headers['idempotency-key'], `mbprov-start-${request.checkoutId}`);
    assert.deepEqual(second, first);
    assert.equal(double.sessionIds().length, sessionsBefore + 1);
  });

  it('a checkout with less than 31 minutes left gets a session that expires 31 minutes after it, the same on every retry', async () => {
    const request = paymentRequest({ expiresAt: new Date(clock.getTime() + 20 * MINUTE) });
    const sessionsBefore = double.sessionIds().length;
    let first: unknown;
    const [sent] = await requestsOf(async () => {
      first = await provider.start(request);
    });
    assert.equal(
      sent?.form.expires_at,
      String(Math.floor((request.expiresAt.getTime() + 31 * MINUTE) / 1000)),
    );
    clock = new Date(clock.getTime() + 15 * MINUTE);
    let second: unknown;
    const [retry] = await requestsOf(async () => {
      second = await provider.start(request);
    });
    assert.equal(retry?.form.expires_at, sent?.form.expires_at);
    assert.deepEqual(second, first);
    assert.equal(double.sessionIds().length, sessionsBefore + 1);
  });

  it('keeps the expiry within what Stripe accepts, and starts nothing for an expired checkout', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const at = (ms: number) => Math.floor((now.getTime() + ms) / 1000);
    assert.equal(sessionExpiry(new Date(now.getTime() + 60 * MINUTE), now), at(60 * MINUTE));
    assert.equal(sessionExpiry(new Date(now.getTime() + 31 * MINUTE), now), at(31 * MINUTE));
    assert.equal(sessionExpiry(new Date(now.getTime() + 5 * MINUTE), now), at(36 * MINUTE));
    assert.equal(sessionExpiry(new Date(now.getTime() + 1440 * MINUTE), now), at(1439 * MINUTE));
    assert.throws(
      () => sessionExpiry(now, now),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_CHECKOUT_EXPIRED',
    );
  });

  it('an expired checkout sends nothing to Stripe (MBPROV_CHECKOUT_EXPIRED)', async () => {
    const sent = await requestsOf(() =>
      refusal(
        () => provider.start(paymentRequest({ expiresAt: new Date(clock.getTime() - 1000) })),
        'MBPROV_CHECKOUT_EXPIRED',
      ),
    );
    assert.equal(sent.length, 0);
  });

  it('refuses a hosted page on another origin than the CSP allows', async () => {
    double.checkoutBase = 'https://pay.elsewhere.example';
    try {
      const error = await refusal(
        () => provider.start(paymentRequest()),
        'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
      );
      assert.match(error.message, /https:\/\/pay\.elsewhere\.example/);
    } finally {
      double.checkoutBase = 'https://checkout.stripe.com';
    }
    assert.deepEqual(provider.origins, ['https://checkout.stripe.com']);
  });
});

describe('Stripe provider: the state of a payment', guard, () => {
  it('an open session is open; the request expands the PaymentIntent and its latest charge', async () => {
    const { request, sessionId } = await started();
    let state: unknown;
    const [sent] = await requestsOf(async () => {
      state = await provider.status({ checkoutId: request.checkoutId, paymentId: sessionId });
    });
    assert.deepEqual(state, { status: 'open' });
    assert.equal(sent?.method, 'GET');
    assert.equal(sent?.path, `/v1/checkout/sessions/${sessionId}`);
    assert.deepEqual(sent?.query, { 'expand[0]': 'payment_intent.latest_charge' });
    assert.equal(sent?.headers.authorization, `Bearer ${SECRET_KEY}`);
    assert.equal(sent?.headers['stripe-version'], Stripe.API_VERSION);
  });

  it('a paid session is captured: the PaymentIntent, amount, currency in upper case, card brand and last four', async () => {
    const { request, sessionId } = await started(paymentRequest({ amountMinor: 4500, currency: 'USD' }));
    const paid = paidWith(sessionId, { brand: 'jcb', last4: '0005' }, 4500, 'USD');
    assert.deepEqual(await provider.status({ checkoutId: request.checkoutId, paymentId: sessionId }), paid);
  });

  it("a declined card leaves the session open (the customer tries again on Stripe's page)", async () => {
    const { request, sessionId } = await started();
    double.decline(sessionId, 'insufficient_funds');
    assert.deepEqual(await provider.status({ checkoutId: request.checkoutId, paymentId: sessionId }), {
      status: 'open',
    });
  });

  it('an expired session is canceled', async () => {
    const { request, sessionId } = await started();
    double.expire(sessionId);
    assert.deepEqual(await provider.status({ checkoutId: request.checkoutId, paymentId: sessionId }), {
      status: 'canceled',
    });
  });

  it('a delayed payment is open while it processes, declined with its reason once it failed', async () => {
    const { request, sessionId } = await started();
    double.payLater(sessionId);
    const payment = { checkoutId: request.checkoutId, paymentId: sessionId };
    assert.deepEqual(await provider.status(payment), { status: 'open' });
    double.failLater(sessionId, 'insufficient_funds');
    assert.deepEqual(await provider.status(payment), { status: 'declined', reason: 'insufficient-funds' });
  });

  it("refuses a session that is another checkout's", async () => {
    const { sessionId } = await started();
    await refusal(
      () => provider.status({ checkoutId: randomUUID(), paymentId: sessionId }),
      'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
    );
  });

  it('without a session id, searches PaymentIntents by the checkout id: undefined before any attempt, then the capture', async () => {
    const { request, sessionId } = await started();
    let state: unknown = 'not asked';
    const [sent] = await requestsOf(async () => {
      state = await provider.status({ checkoutId: request.checkoutId, paymentId: null });
    });
    assert.equal(state, undefined);
    assert.equal(sent?.method, 'GET');
    assert.equal(sent?.path, '/v1/payment_intents/search');
    assert.deepEqual(sent?.query, {
      query: `metadata['checkoutId']:'${request.checkoutId}'`,
      'expand[0]': 'data.latest_charge',
    });
    const paid = paidWith(sessionId, { brand: 'mastercard', last4: '4444' }, 1980, 'JPY');
    assert.deepEqual(await provider.status({ checkoutId: request.checkoutId, paymentId: null }), paid);
  });

  it('quotes the checkout id in the search query', async () => {
    const [sent] = await requestsOf(() => provider.status({ checkoutId: "it's\\odd", paymentId: null }));
    assert.equal(sent?.query.query, "metadata['checkoutId']:'it\\'s\\\\odd'");
  });
});

describe('Stripe provider: cancel and refund', guard, () => {
  it('cancel expires an open session', async () => {
    const { request, sessionId } = await started();
    const [sent, ...more] = await requestsOf(() =>
      provider.cancel({ checkoutId: request.checkoutId, paymentId: sessionId }),
    );
    assert.equal(more.length, 0);
    assert.equal(sent?.method, 'POST');
    assert.equal(sent?.path, `/v1/checkout/sessions/${sessionId}/expire`);
    assert.deepEqual(sent?.form, {});
    assert.deepEqual(await provider.status({ checkoutId: request.checkoutId, paymentId: sessionId }), {
      status: 'canceled',
    });
  });

  it('cancel of a session already paid or already expired is a no-op (Stripe refuses, the session is read)', async () => {
    const paid = await started();
    double.pay(paid.sessionId);
    const sent = await requestsOf(() =>
      provider.cancel({ checkoutId: paid.request.checkoutId, paymentId: paid.sessionId }),
    );
    assert.deepEqual(
      sent.map((r) => `${r.method} ${r.path}`),
      [`POST /v1/checkout/sessions/${paid.sessionId}/expire`, `GET /v1/checkout/sessions/${paid.sessionId}`],
    );
    assert.equal(
      (await provider.status({ checkoutId: paid.request.checkoutId, paymentId: paid.sessionId }))?.status,
      'captured',
    );
    const expired = await started();
    await provider.cancel({ checkoutId: expired.request.checkoutId, paymentId: expired.sessionId });
    await provider.cancel({ checkoutId: expired.request.checkoutId, paymentId: expired.sessionId });
  });

  it('cancel fails when Stripe refuses to expire a session that is still open', async () => {
    const { request, sessionId } = await started();
    double.failNext('bad-request');
    await refusal(
      () => provider.cancel({ checkoutId: request.checkoutId, paymentId: sessionId }),
      'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
    );
  });

  it('refund refunds the PaymentIntent once, keyed by the checkout, however often it is asked', async () => {
    const { request, sessionId } = await started();
    const intentId = double.pay(sessionId);
    const refundsBefore = double.refundsMade().length;
    const capture = { checkoutId: request.checkoutId, reference: intentId };
    const [sent] = await requestsOf(() => provider.refund(capture));
    assert.equal(sent?.method, 'POST');
    assert.equal(sent?.path, '/v1/refunds');
    assert.deepEqual(sent?.form, { payment_intent: intentId, 'metadata[checkoutId]': request.checkoutId });
    assert.equal(sent?.headers['idempotency-key'], `mbprov-refund-${request.checkoutId}`);
    assert.equal(sent?.headers.authorization, `Bearer ${SECRET_KEY}`);
    await provider.refund(capture); // replayed by its key
    double.forgetIdempotencyKeys(); // a day later: Stripe answers charge_already_refunded
    await provider.refund(capture);
    assert.equal(double.refundsMade().length, refundsBefore + 1);
    assert.equal(double.refundsMade().at(-1)?.payment_intent, intentId);
  });

  it('refund of a PaymentIntent Stripe does not know fails', async () => {
    await refusal(
      () => provider.refund({ checkoutId: randomUUID(), reference: 'pi_test_unknown' }),
      'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
    );
  });
});

describe('Stripe provider: webhooks', guard, () => {
  it('reads a signed checkout.session.completed of a paid session as a capture', async () => {
    const { request, sessionId } = await started();
    const intentId = double.pay(sessionId);
    const { body, headers, eventId } = delivery('checkout.session.completed', double.sessionJson(sessionId));
    assert.deepEqual(provider.readWebhook(body, headers), {
      eventId,
      checkoutId: request.checkoutId,
      paymentId: sessionId,
      state: { status: 'captured', reference: intentId, amountMinor: 1980, currency: 'JPY' },
    });
  });

  it('reads completed-unpaid as open, async_payment_failed as declined, async_payment_succeeded as captured, expired as canceled', async () => {
    const late = await started();
    double.payLater(late.sessionId);
    const read = (type: string, sessionId: string) => {
      const { body, headers } = delivery(type, double.sessionJson(sessionId));
      return provider.readWebhook(body, headers)?.state;
    };
    assert.deepEqual(read('checkout.session.completed', late.sessionId), { status: 'open' });
    assert.deepEqual(read('checkout.session.async_payment_failed', late.sessionId), {
      status: 'declined',
      reason: 'card-declined',
    });
    const paidLater = await started();
    double.pay(paidLater.sessionId);
    assert.equal(read('checkout.session.async_payment_succeeded', paidLater.sessionId)?.status, 'captured');
    const gone = await started();
    double.expire(gone.sessionId);
    assert.deepEqual(read('checkout.session.expired', gone.sessionId), { status: 'canceled' });
  });

  it('accepts a signature 299 s old and refuses one 301 s old', async () => {
    const { sessionId } = await started();
    const fresh = delivery('checkout.session.expired', double.sessionJson(sessionId), {
      at: new Date(clock.getTime() - 299_000),
    });
    assert.ok(provider.readWebhook(fresh.body, fresh.headers));
    const old = delivery('checkout.session.expired', double.sessionJson(sessionId), {
      at: new Date(clock.getTime() - 301_000),
    });
    const error = await refusal(
      () => provider.readWebhook(old.body, old.headers),
      'MBPROV_PAYMENT_WEBHOOK_INVALID',
    );
    assert.match(error.message, /older than 300 s/);
  });

  it('refuses another secret, a tampered body, no header, and a signed body that is not JSON', async () => {
    const { sessionId } = await started();
    const session = double.sessionJson(sessionId);
    const other = delivery('checkout.session.completed', session, {
      secret: 'whsec_someoneelse0000000000000000',
    });
    await refusal(() => provider.readWebhook(other.body, other.headers), 'MBPROV_PAYMENT_WEBHOOK_INVALID');
    const genuine = delivery('checkout.session.completed', session);
    const tampered = Buffer.from(
      genuine.body.toString().replace('"amount_total": 1980', '"amount_total": 1'),
    );
    assert.notDeepEqual(tampered, genuine.body);
    await refusal(() => provider.readWebhook(tampered, genuine.headers), 'MBPROV_PAYMENT_WEBHOOK_INVALID');
    await refusal(() => provider.readWebhook(genuine.body, {}), 'MBPROV_PAYMENT_WEBHOOK_INVALID');
    const text = 'not json';
    const signed = Stripe.webhooks.generateTestHeaderString({
      payload: text,
      secret: WEBHOOK_SECRET,
      timestamp: Math.floor(clock.getTime() / 1000),
    });
    await refusal(
      () => provider.readWebhook(Buffer.from(text), { 'stripe-signature': signed }),
      'MBPROV_PAYMENT_WEBHOOK_INVALID',
    );
    assert.ok(provider.readWebhook(genuine.body, genuine.headers), 'the genuine delivery is accepted');
  });

  it("never quotes the configured secret's length or last characters in a refusal", async () => {
    const { sessionId } = await started();
    const forged = delivery('checkout.session.completed', double.sessionJson(sessionId), {
      secret: 'whsec_forged',
    });
    const header = `${forged.headers['stripe-signature']},secret=whsec_************abcd`;
    const error = await refusal(
      () => provider.readWebhook(forged.body, { 'stripe-signature': header }),
      'MBPROV_PAYMENT_WEBHOOK_INVALID',
    );
    assert.doesNotMatch(error.message, new RegExp(WEBHOOK_SECRET.slice(-4)));
    assert.doesNotMatch(error.message, new RegExp(String(WEBHOOK_SECRET.length)));
  });

  it('an authentic event of another type, or about a session the portal did not make, says nothing', async () => {
    const { sessionId } = await started();
    const intent = delivery('payment_intent.created', { id: 'pi_test_x', object: 'payment_intent' });
    assert.equal(provider.readWebhook(intent.body, intent.headers), undefined);
    const foreign = delivery('checkout.session.completed', {
      ...double.sessionJson(sessionId),
      client_reference_id: null,
      metadata: {},
    });
    assert.equal(provider.readWebhook(foreign.body, foreign.headers), undefined);
    for (const unlike of [{ mode: 'setup' }, { client_reference_id: 'someone-else' }]) {
      const other = delivery('checkout.session.completed', { ...double.sessionJson(sessionId), ...unlike });
      assert.equal(provider.readWebhook(other.body, other.headers), undefined, JSON.stringify(unlike));
    }
    const broken = delivery('checkout.session.completed', { id: 'x', object: 'charge' });
    await refusal(() => provider.readWebhook(broken.body, broken.headers), 'MBPROV_PAYMENT_WEBHOOK_INVALID');
  });
});

describe('Stripe provider: Stripe down, or answering nonsense', guard, () => {
  it('connection refused: MBPROV_PAYMENT_PROVIDER_UNAVAILABLE', async () => {
    const port = await freeLoopbackPort();
    const down = providerWith({ apiBase: `https://127.0.0.1:${port}` });
    const error = await refusal(() => down.start(paymentRequest()), 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE');
    assert.match(error.message, /no answer from Stripe .*ECONNREFUSED/);
  });

  it('a 500 is retried with the same idempotency key, then MBPROV_PAYMENT_PROVIDER_UNAVAILABLE', async () => {
    const retrying = providerWith({ maxNetworkRetries: 1 });
    const request = paymentRequest();
    double.failNext('server-error', 2);
    let error: MbprovError | undefined;
    const sent = await requestsOf(async () => {
      error = await refusal(() => retrying.start(request), 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE');
    });
    assert.match(error?.message ?? '', /HTTP 500/);
    assert.equal(sent.length, 2);
    assert.deepEqual(
      sent.map((r) => r.headers['idempotency-key']),
      [`mbprov-start-${request.checkoutId}`, `mbprov-start-${request.checkoutId}`],
    );
  });

  it('a body that is not JSON: MBPROV_PAYMENT_PROVIDER_UNAVAILABLE', async () => {
    const { request, sessionId } = await started();
    double.failNext('garbage');
    const error = await refusal(
      () => provider.status({ checkoutId: request.checkoutId, paymentId: sessionId }),
      'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
    );
    assert.match(error.message, /Invalid JSON/);
  });

  it('no answer within payments.stripe.timeoutMs: MBPROV_PAYMENT_PROVIDER_UNAVAILABLE naming the timeout', async () => {
    const impatient = providerWith({ timeoutMs: 300 });
    double.failNext('hang');
    const error = await refusal(
      () => impatient.refund({ checkoutId: randomUUID(), reference: 'pi_test_x' }),
      'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
    );
    assert.match(error.message, /timeout being reached \(300ms\)/);
  });

  it('a refused secret key: MBPROV_PAYMENT_PROVIDER_UNAVAILABLE naming the setting, never the key', async () => {
    const wrongKey = 'sk_test_wrongwrongwrong0000';
    const refused = providerWith({}, { ...ENV, STRIPE_SECRET_KEY: wrongKey });
    const error = await refusal(() => refused.start(paymentRequest()), 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE');
    assert.match(error.message, /payments\.stripe\.secretKeyEnv/);
    assert.doesNotMatch(error.message, /sk_test_/);
    assert.equal(double.requests.at(-1)?.headers.authorization, `Bearer ${wrongKey}`);
  });
});

describe('Stripe provider: configuration and secrets', guard, () => {
  it('reads the secrets from the environment variables the configuration names', async () => {
    const custom = providerWith(
      { secretKeyEnv: 'OPERATOR_STRIPE_KEY', webhookSecretEnv: 'OPERATOR_STRIPE_HOOK' },
      { OPERATOR_STRIPE_KEY: SECRET_KEY, OPERATOR_STRIPE_HOOK: WEBHOOK_SECRET },
    );
    const [sent] = await requestsOf(() => custom.start(paymentRequest()));
    assert.equal(sent?.headers.authorization, `Bearer ${SECRET_KEY}`);
  });

  it('a missing or misshapen secret is MBPROV_CONFIG_INVALID naming the variable, never its value', async () => {
    const open = (env: Record<string, string | undefined>) => () => providerWith({}, env);
    const missing = await refusal(open({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }), 'MBPROV_CONFIG_INVALID');
    assert.match(missing.message, /STRIPE_SECRET_KEY/);
    const publishable = await refusal(
      open({ ...ENV, STRIPE_SECRET_KEY: 'pk_test_publishable123' }),
      'MBPROV_CONFIG_INVALID',
    );
    assert.doesNotMatch(publishable.message, /pk_test_publishable123/);
    const swapped = await refusal(
      open({ STRIPE_SECRET_KEY: WEBHOOK_SECRET, STRIPE_WEBHOOK_SECRET: SECRET_KEY }),
      'MBPROV_CONFIG_INVALID',
    );
    assert.doesNotMatch(swapped.message, /whsec_|sk_test_/);
    await refusal(open({ STRIPE_SECRET_KEY: SECRET_KEY }), 'MBPROV_CONFIG_INVALID');
  });

  it('apiBase must be https (the key travels in every request)', () => {
    assert.throws(
      () => configWith({ apiBase: 'http://127.0.0.1:12111' }),
      (e: unknown) =>
        e instanceof MbprovError && e.code === 'MBPROV_CONFIG_INVALID' && /apiBase/.test(e.message),
    );
  });

  it('neither secret shows when the provider is inspected or serialized', () => {
    for (const shown of [inspect(provider, { depth: 10, showHidden: true }), JSON.stringify(provider)]) {
      assert.doesNotMatch(shown, new RegExp(SECRET_KEY));
      assert.doesNotMatch(shown, new RegExp(WEBHOOK_SECRET));
    }
  });
});
