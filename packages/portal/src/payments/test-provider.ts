import { randomUUID } from 'node:crypto';
import type { CaptureRequest, CaptureResult, DeclineReason, PaymentProvider } from './provider.ts';

/** Card numbers of the test provider (documented in docs/operator-guide.md and shown on the plans page in test mode). */
export const TEST_CARDS = {
  accepted: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;

const DECLINES: Record<string, DeclineReason> = {
  [TEST_CARDS.declined]: 'card-declined',
  [TEST_CARDS.insufficientFunds]: 'insufficient-funds',
};

/** Luhn check of a card number. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

/** True when an MM/YY expiry is this month or later. */
export function expiryValid(expiry: string, now: Date): boolean {
  const m = /^(0[1-9]|1[0-2])\s*\/\s*(\d{2})$/.exec(expiry.trim());
  if (!m) return false;
  const year = 2000 + Number(m[2]);
  const month = Number(m[1]);
  return year > now.getUTCFullYear() || (year === now.getUTCFullYear() && month >= now.getUTCMonth() + 1);
}

/**
 * The built-in test provider: charges nothing, remembers every capture by idempotency key (so retries return the
 * first result), declines the documented test cards, and counts charges and refunds for tests.
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  private readonly captures = new Map<string, CaptureResult>();
  readonly charges: Array<{ reference: string; amountMinor: number; currency: string }> = [];
  readonly refunds = new Set<string>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async capture(request: CaptureRequest): Promise<CaptureResult> {
    const previous = this.captures.get(request.idempotencyKey);
    if (previous) return previous;
    const number = request.card.number.replace(/[\s-]/g, '');
    let result: CaptureResult;
    if (!/^\d{12,19}$/.test(number) || !luhnValid(number) || !/^\d{3,4}$/.test(request.card.cvc.trim())) {
      result = { status: 'declined', reason: 'invalid-card' };
    } else if (!expiryValid(request.card.expiry, this.now())) {
      result = { status: 'declined', reason: 'expired-card' };
    } else if (DECLINES[number]) {
      result = { status: 'declined', reason: DECLINES[number] as DeclineReason };
    } else {
      const reference = `test_${randomUUID()}`;
      this.charges.push({ reference, amountMinor: request.amountMinor, currency: request.currency });
      result = { status: 'captured', reference };
    }
    this.captures.set(request.idempotencyKey, result);
    return result;
  }

  async refund(reference: string): Promise<void> {
    this.refunds.add(reference);
  }
}
