import { createHash, randomBytes } from 'node:crypto';
import { MbprovError } from '@mbprov/core';
import type { Db } from '../../storage/database.ts';
import {
  changeTestPaymentStatus,
  createTestPayment,
  findTestPayment,
  findTestPaymentByCheckout,
  type TestPayment,
  type TestPaymentStatus,
} from '../../storage/test-payments.ts';
import { type CreatePaymentBody, type PaymentAnswer, type PaymentEventType, presentPayment } from './api.ts';
import type { WebhookSender } from './webhooks.ts';

/**
 * The test service's payments and their only moves: open → captured → refunded, open → canceled (by the customer or
 * the portal), open → expired (seen past its expiry by any request). Each move is one conditional update, so concurrent requests (two tabs,
 * a double click, the portal cancelling while the customer pays) make it at most once, and each move made queues
 * its webhook. Both the API and the hosted page go through here.
 */
export class TestPaymentLedger {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
    private readonly webhooks: WebhookSender,
    /** The service's origin, for the payments' hosted page URLs (set once the service listens on its port). */
    public baseUrl: string,
  ) {}

  /**
   * The checkout's payment, created on the first call; a repeated call with the same request answers the same one
   * (`created` false), a different request under the same checkout id is refused (MBPROV_PAYMENT_CONFLICT).
   */
  async create(body: CreatePaymentBody): Promise<{ payment: TestPayment; created: boolean }> {
    const now = this.clock().toISOString();
    const hash = requestHash(body);
    const id = `tp_${randomBytes(16).toString('base64url')}`;
    const stored = await createTestPayment(this.db, {
      id,
      checkout_id: body.checkoutId,
      request_hash: hash,
      amount_minor: body.amountMinor,
      currency: body.currency,
      description: body.description,
      return_url: body.returnUrl,
      cancel_url: body.cancelUrl,
      lang: body.lang,
      expires_at: new Date(body.expiresAt).toISOString(),
      status: 'open',
      reference: null,
      method_brand: null,
      method_last4: null,
      created_at: now,
      updated_at: now,
    });
    if (stored.request_hash !== hash)
      throw new MbprovError(
        'MBPROV_PAYMENT_CONFLICT',
        `Checkout ${body.checkoutId} already has a payment with another request (amount, currency, URLs, expiry or account differ).`,
      );
    return { payment: await this.expireIfDue(stored), created: stored.id === id };
  }

  /** A payment by id as it is now (an open one past its expiry is canceled first). */
  async find(id: string): Promise<TestPayment | undefined> {
    const payment = await findTestPayment(this.db, id);
    return payment && this.expireIfDue(payment);
  }

  /** The payment of a checkout as it is now. */
  async findByCheckout(checkoutId: string): Promise<TestPayment | undefined> {
    const payment = await findTestPaymentByCheckout(this.db, checkoutId);
    return payment && this.expireIfDue(payment);
  }

  /** The payment or MBPROV_NOT_FOUND. */
  async get(id: string): Promise<TestPayment> {
    const payment = await this.find(id);
    if (!payment) throw new MbprovError('MBPROV_NOT_FOUND', 'No such payment.');
    return payment;
  }

  /** Captures an open payment with the card's brand and last four digits; false when it was no longer payable. */
  async capture(payment: TestPayment, card: { brand: string; last4: string }): Promise<boolean> {
    const reference = `tpc_${randomBytes(12).toString('base64url')}`;
    return this.move(payment, 'open', 'captured', { reference, ...card });
  }

  /** Cancels an open payment; a payment already final is left as it is (idempotent). */
  async cancel(payment: TestPayment): Promise<TestPayment> {
    await this.move(payment, 'open', 'canceled');
    return this.get(payment.id);
  }

  /** Refunds a captured payment; a refunded one is answered as it is, any other is refused. */
  async refund(payment: TestPayment): Promise<TestPayment> {
    if (payment.status !== 'captured' && payment.status !== 'refunded')
      throw new MbprovError(
        'MBPROV_PAYMENT_CONFLICT',
        `Payment ${payment.id} is ${payment.status}: nothing to refund.`,
      );
    await this.move(payment, 'captured', 'refunded');
    return this.get(payment.id);
  }

  /** The API's view of a payment. */
  present(payment: TestPayment): PaymentAnswer {
    return presentPayment(payment, this.baseUrl);
  }

  /** Whether an open payment's time is up. */
  expired(payment: TestPayment): boolean {
    return payment.status === 'open' && payment.expires_at <= this.clock().toISOString();
  }

  private async expireIfDue(payment: TestPayment): Promise<TestPayment> {
    if (!this.expired(payment)) return payment;
    await this.move(payment, 'open', 'expired');
    return (await findTestPayment(this.db, payment.id)) as TestPayment;
  }

  /** One move; when this call made it, the webhook of the new state is queued. */
  private async move(
    payment: TestPayment,
    from: TestPaymentStatus,
    to: Exclude<TestPaymentStatus, 'open'>,
    capture?: { reference: string; brand: string; last4: string },
  ): Promise<boolean> {
    const now = this.clock().toISOString();
    const moved = await changeTestPaymentStatus(this.db, payment.id, {
      from,
      to,
      now,
      ...(capture ? { capture } : {}),
    });
    if (moved) {
      const after = (await findTestPayment(this.db, payment.id)) as TestPayment;
      this.webhooks.send(EVENT_OF[to], this.present(after));
    }
    return moved;
  }
}

/** The webhook each move sends. */
const EVENT_OF: Record<Exclude<TestPaymentStatus, 'open'>, PaymentEventType> = {
  captured: 'payment.captured',
  canceled: 'payment.canceled',
  expired: 'payment.canceled',
  refunded: 'payment.refunded',
};

/** A digest of everything a creating request says, in a fixed order. */
function requestHash(body: CreatePaymentBody): string {
  const fields = [
    body.checkoutId,
    body.amountMinor,
    body.currency,
    body.description,
    body.returnUrl,
    body.cancelUrl,
    new Date(body.expiresAt).toISOString(),
    body.lang,
    body.account.iccid,
    body.account.imsi,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
