import assert from 'node:assert/strict';
import { completeCheckout, newCheckoutId } from '../../src/activation/checkout.ts';
import { TEST_CARDS } from '../../src/payments/card-test-provider.ts';
import type { TestContext } from './context.ts';

/** Buys `planId` for a subscriber through the checkout, paying with the test provider's accepted card. */
export async function buyPlan(ctx: TestContext, subscriberId: string, planId = 'day-1gb'): Promise<void> {
  const outcome = await completeCheckout(ctx, {
    checkoutId: newCheckoutId(),
    subscriberId,
    shownAt: ctx.clock(),
    client: 'test-client',
    planId,
    card: { number: TEST_CARDS.accepted, expiry: '12/30', cvc: '123', name: 'x' },
  });
  assert.equal(outcome.kind, 'completed');
}
