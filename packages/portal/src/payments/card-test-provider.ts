import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import type { Db } from '../storage/database.ts';
import {
  countTestCharges,
  findTestCharge,
  recordTestCharge,
  refundTestCharge,
  type TestPaymentCharge,
} from '../storage/test-payment-charges.ts';
import type { CaptureRequest, CaptureResult, CardCaptureProvider, DeclineReason } from './card-capture.ts';
import { DECLINED_TEST_CARDS, expiryValid, luhnValid, TEST_CARDS } from './test-service/cards.ts';

// The seed's card-capture test provider, kept until the checkout runs on the hosted test service (test-service/);
// then this file goes. The test cards and field checks live with the service.
export { TEST_CARDS };

const DECLINES: Readonly<Record<string, DeclineReason>> = DECLINED_TEST_CARDS;

/**
 * The built-in test provider: charges nothing, declines the documented test cards, and records every answer in the
 * portal's database by idempotency key (storage/test-payment-charges.ts), as a real provider keeps its records: a
 * retry, in this process or in a restarted one, gets the first answer and is never charged twice.
 */
export class TestPaymentProvider implements CardCaptureProvider {
  readonly name = 'test';

  /**
   * @param captureDelayMs test hook: each capture waits this long first, as a slow payment service would, so that
   *   tests can stop the portal while a checkout is paying (MBPROV_TEST_PAYMENT_DELAY_MS, see start.ts)
   */
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
    private readonly captureDelayMs = 0,
  ) {}

  async capture(request: CaptureRequest): Promise<CaptureResult> {
    if (this.captureDelayMs > 0) await setTimeout(this.captureDelayMs);
    const previous = await this.lookup(request.idempotencyKey);
    if (previous) return previous;
    const number = request.card.number.replace(/[\s-]/g, '');
    let reason: DeclineReason | undefined;
    if (!/^\d{12,19}$/.test(number) || !luhnValid(number) || !/^\d{3,4}$/.test(request.card.cvc.trim())) {
      reason = 'invalid-card';
    } else if (!expiryValid(request.card.expiry, this.now())) {
      reason = 'expired-card';
    } else {
      reason = DECLINES[number];
    }
    const now = this.now().toISOString();
    const stored = await recordTestCharge(this.db, {
      id: `test_${randomUUID()}`,
      idempotency_key: request.idempotencyKey,
      amount_minor: request.amountMinor,
      currency: request.currency,
      status: reason ? 'declined' : 'captured',
      decline_reason: reason ?? null,
      created_at: now,
      updated_at: now,
    });
    return resultOf(stored);
  }

  async lookup(idempotencyKey: string): Promise<CaptureResult | undefined> {
    const stored = await findTestCharge(this.db, idempotencyKey);
    return stored && resultOf(stored);
  }

  async refund(reference: string): Promise<void> {
    await refundTestCharge(this.db, reference, this.now().toISOString());
  }

  /** How many charges it captured (refunded ones included) and how many it refunded, for tests. */
  counts(): Promise<{ charges: number; refunds: number }> {
    return countTestCharges(this.db);
  }
}

/** A stored answer as the provider gives it: a refunded capture still names its capture. */
function resultOf(charge: TestPaymentCharge): CaptureResult {
  return charge.status === 'declined'
    ? { status: 'declined', reason: (charge.decline_reason ?? 'card-declined') as DeclineReason }
    : { status: 'captured', reference: charge.id };
}
