import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import { MbprovError } from '@mbprov/core';
import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type {
  PaymentEvent,
  PaymentProvider,
  PaymentRequest,
  PaymentStart,
  PaymentState,
} from './provider.ts';
import {
  type CreatePaymentBody,
  IDEMPOTENCY_HEADER,
  PaymentAnswer,
  PaymentList,
  WebhookEvent,
} from './test-service/api.ts';
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.ts';

/** Options of {@link TestPaymentProvider}. */
export interface TestPaymentProviderOptions {
  /** The test payment service's origin, as startTestPaymentService answered it (https://127.0.0.1:port). */
  url: string;
  /** Its API key (Secrets.testPaymentsApiKey). */
  apiKey: string;
  /** Its webhook signing secret (Secrets.testPaymentsWebhookSecret). */
  webhookSecret: string;
  /** PEM to trust for the service's certificate (the portal's development certificate); the system's CAs otherwise. */
  ca?: string;
  /** The portal's clock: webhook timestamps are checked against it. */
  clock?: () => Date;
  /** How long one API call may take before it counts as unavailable (default 10 s). */
  timeoutMs?: number;
}

const checkPayment = TypeCompiler.Compile(PaymentAnswer);
const checkList = TypeCompiler.Compile(PaymentList);
const checkEvent = TypeCompiler.Compile(WebhookEvent);
/** An answer larger than this is nonsense from this service. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The `test` payment provider: a client of the built-in test payment service (payments/test-service/) over HTTPS,
 * exactly as the Stripe provider is a client of Stripe: it creates the payment with the checkout id as idempotency
 * key, sends the customer to the service's hosted page, reads the outcome from the service's signed webhooks and its
 * API, and cancels and refunds through the API. It keeps no state of its own.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  readonly origins: readonly string[];
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly clock: () => Date;

  constructor(private readonly options: TestPaymentProviderOptions) {
    this.base = new URL(options.url);
    if (this.base.protocol !== 'https:')
      throw new MbprovError('MBPROV_CONFIG_INVALID', 'The test payment service must be reached over https.');
    this.origins = [this.base.origin];
    this.agent = new Agent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) });
    this.clock = options.clock ?? (() => new Date());
  }

  async start(payment: PaymentRequest): Promise<PaymentStart> {
    const body: CreatePaymentBody = {
      checkoutId: payment.checkoutId,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      description: payment.description,
      returnUrl: payment.returnUrl,
      cancelUrl: payment.cancelUrl,
      expiresAt: payment.expiresAt.toISOString(),
      lang: payment.lang,
      account: { iccid: payment.account.iccid, imsi: payment.account.imsi },
    };
    const answer = await this.call('POST', '/v1/payments', checkPayment, {
      body,
      headers: { [IDEMPOTENCY_HEADER]: payment.checkoutId },
    });
    const created = this.ofCheckout(answer, payment.checkoutId);
    return { kind: 'redirect', paymentId: created.id, url: created.url };
  }

  async status(payment: { checkoutId: string; paymentId: string | null }): Promise<PaymentState | undefined> {
    const found = await this.find(payment);
    return found && stateOf(found);
  }

  async cancel(payment: { checkoutId: string; paymentId: string }): Promise<void> {
    // A payment the service never made has nothing to cancel.
    const answer = await this.call(
      'POST',
      `/v1/payments/${encodeURIComponent(payment.paymentId)}/cancel`,
      checkPayment,
    );
    if (answer) this.ofCheckout(answer, payment.checkoutId);
  }

  async refund(capture: { checkoutId: string; reference: string }): Promise<void> {
    const payment = await this.find({ checkoutId: capture.checkoutId, paymentId: null });
    if (payment?.reference !== capture.reference)
      throw new MbprovError(
        'MBPROV_PAYMENT_CONFLICT',
        `The test payment service has no capture ${capture.reference} for checkout ${capture.checkoutId}.`,
      );
    this.ofCheckout(
      await this.call('POST', `/v1/payments/${encodeURIComponent(payment.id)}/refund`, checkPayment),
      capture.checkoutId,
    );
  }

  /**
   * Verifies a delivery's `mbprov-test-signature` (timestamp within 300 s of the portal's clock) and reads it:
   * `payment.captured` and `payment.canceled` become events; `payment.refunded` (the portal's own refund coming back)
   * and unknown types say nothing about whether to activate and answer undefined.
   */
  readWebhook(body: Buffer, headers: IncomingHttpHeaders): PaymentEvent | undefined {
    verifyWebhook(this.options.webhookSecret, body, headers[WEBHOOK_SIGNATURE_HEADER], this.clock());
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      throw new MbprovError('MBPROV_PAYMENT_WEBHOOK_INVALID', 'Webhook refused: the body is not JSON.');
    }
    if (!checkEvent.Check(event))
      throw new MbprovError(
        'MBPROV_PAYMENT_WEBHOOK_INVALID',
        'Webhook refused: the body is not a payment event.',
      );
    if (event.type !== 'payment.captured' && event.type !== 'payment.canceled') return undefined;
    const data = event.data;
    // The payment as it was when the event happened: a capture with its reference, or a cancellation.
    const consistent =
      event.type === 'payment.captured'
        ? data.status === 'captured' && data.reference
        : data.status === 'canceled';
    if (!consistent)
      throw new MbprovError(
        'MBPROV_PAYMENT_WEBHOOK_INVALID',
        `Webhook refused: ${event.type} about a ${data.status} payment.`,
      );
    return { eventId: event.id, checkoutId: data.checkoutId, paymentId: data.id, state: stateOf(data) };
  }

  /** Closes the kept-alive connections to the service. */
  close(): void {
    this.agent.destroy();
  }

  private async find(payment: {
    checkoutId: string;
    paymentId: string | null;
  }): Promise<PaymentAnswer | undefined> {
    if (payment.paymentId !== null) {
      const answer = await this.call(
        'GET',
        `/v1/payments/${encodeURIComponent(payment.paymentId)}`,
        checkPayment,
      );
      return answer && this.ofCheckout(answer, payment.checkoutId);
    }
    const list = await this.call(
      'GET',
      `/v1/payments?checkoutId=${encodeURIComponent(payment.checkoutId)}`,
      checkList,
    );
    const [found] = list?.data ?? [];
    return found && this.ofCheckout(found, payment.checkoutId);
  }

  /** The answer, once it is shown to be about this checkout and to send customers only to the service. */
  private ofCheckout(answer: PaymentAnswer | undefined, checkoutId: string): PaymentAnswer {
    if (!answer) throw unavailable('it has no such payment');
    if (answer.checkoutId !== checkoutId)
      throw unavailable(`it answered about checkout ${answer.checkoutId}`);
    if (new URL(answer.url).origin !== this.base.origin)
      throw unavailable('its payment page is on another origin');
    return answer;
  }

  /**
   * One API call. Answers the checked body of a 2xx, undefined for a 404; a 409 is the service's refusal
   * (MBPROV_PAYMENT_CONFLICT), and anything else (no answer in time, another status, a body that is not the
   * expected JSON) is MBPROV_PAYMENT_PROVIDER_UNAVAILABLE.
   */
  private call<T extends TSchema>(
    method: 'GET' | 'POST',
    path: string,
    check: TypeCheck<T>,
    extra: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Static<T> | undefined> {
    const payload = extra.body === undefined ? undefined : Buffer.from(JSON.stringify(extra.body));
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.base), {
        method,
        agent: this.agent,
        timeout: this.options.timeoutMs ?? 10_000,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...extra.headers,
        },
      });
      req.on('timeout', () => req.destroy(new Error('no answer in time')));
      req.on('error', (error) => reject(unavailable(`it could not be reached (${error.message})`)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) req.destroy(new Error('the answer is too large'));
          else chunks.push(chunk);
        });
        res.on('error', (error) => reject(unavailable(`its answer broke off (${error.message})`)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = undefined;
          }
          const said = (body as { code?: unknown; message?: unknown } | undefined) ?? {};
          if (status === 404 && said.code === 'MBPROV_NOT_FOUND') resolve(undefined);
          else if (status === 409 && said.code === 'MBPROV_PAYMENT_CONFLICT')
            reject(new MbprovError('MBPROV_PAYMENT_CONFLICT', String(said.message)));
          else if (status >= 200 && status < 300 && check.Check(body)) resolve(body);
          else
            reject(
              unavailable(`it answered ${status}${typeof said.code === 'string' ? ` ${said.code}` : ''}`),
            );
        });
      });
      req.end(payload);
    });
  }
}

/** The provider interface's view of the service's answer. A refunded payment was captured: it names its capture. */
function stateOf(payment: PaymentAnswer): PaymentState {
  switch (payment.status) {
    case 'open':
      return { status: 'open' };
    case 'canceled':
      return { status: 'canceled' };
    default:
      if (!payment.reference)
        throw unavailable(`payment ${payment.id} is ${payment.status} without a reference`);
      return {
        status: 'captured',
        reference: payment.reference,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        ...(payment.method ? { method: payment.method } : {}),
      };
  }
}

const unavailable = (why: string) =>
  new MbprovError('MBPROV_PAYMENT_PROVIDER_UNAVAILABLE', `The test payment service failed: ${why}.`);
