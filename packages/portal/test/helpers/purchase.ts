// A purchase as a customer makes it: the plans page's form posted (startCheckout), the card paid on the test payment
// service's hosted page, and the return to the portal (returnFromPayment), which asks the provider.
import assert from 'node:assert/strict';
import {
  ACCEPTED_TEST_CARD,
  type PageAnswer,
  payOnTestPage,
  type TestCard,
} from '../../../cli/src/demo/test-payment-page.ts';
import {
  type CheckoutOutcome,
  type CheckoutRequest,
  type CheckoutStart,
  newCheckoutId,
  returnFromPayment,
  startCheckout,
} from '../../src/activation/checkout.ts';
import type { PaymentState } from '../../src/payments/provider.ts';
import type { TestContext } from './context.ts';

/** The plans page's form for `planId`, as POST /checkout reads it. */
export function checkoutForm(
  ctx: TestContext,
  subscriberId: string,
  planId: string,
  checkoutId: string = newCheckoutId(),
): CheckoutRequest {
  return { checkoutId, subscriberId, shownAt: ctx.clock(), planId, client: 'test-client', lang: 'en' };
}

/** Pays a started checkout on the hosted page; the page's answer (a 303 to the return URL when paid). */
export async function payStarted(
  ctx: TestContext,
  started: CheckoutStart,
  card: TestCard = ACCEPTED_TEST_CARD,
): Promise<PageAnswer> {
  assert.equal(started.kind, 'pay', `the checkout answered ${JSON.stringify(started)}`);
  return payOnTestPage((started as { url: string }).url, card, { ca: ctx.tlsCa });
}

/**
 * Starts a checkout and pays it on the hosted page, and nothing more: no return, no webhook (the test context has
 * none) has told the portal yet. Answers the provider's capture.
 */
export async function paidWithoutReport(
  ctx: TestContext,
  subscriberId: string,
  planId: string,
  checkoutId: string,
): Promise<Extract<PaymentState, { status: 'captured' }>> {
  const started = await startCheckout(ctx, checkoutForm(ctx, subscriberId, planId, checkoutId));
  assert.equal((await payStarted(ctx, started)).status, 303);
  const state = await ctx.payments.status({ checkoutId, paymentId: null });
  if (state?.status !== 'captured') throw new Error(`not captured: ${JSON.stringify(state)}`);
  return state;
}

/**
 * Buys `planId`: posts the form, pays on the hosted page with `card` and returns to the portal. An outcome known
 * before any payment (superseded, limited, expired) comes back as it is.
 */
export async function purchase(
  ctx: TestContext,
  subscriberId: string,
  planId: string,
  options: { checkoutId?: string; card?: TestCard } = {},
): Promise<CheckoutOutcome> {
  const form = checkoutForm(ctx, subscriberId, planId, options.checkoutId);
  const started = await startCheckout(ctx, form);
  if (started.kind !== 'pay') return started;
  const paid = await payStarted(ctx, started, options.card);
  assert.equal(paid.status, 303, `the payment page answered ${paid.status}`);
  return returnFromPayment(ctx, form.checkoutId, subscriberId);
}

/** Buys `planId` for a subscriber with the accepted test card; it must complete. */
export async function buyPlan(ctx: TestContext, subscriberId: string, planId = 'day-1gb'): Promise<void> {
  assert.equal((await purchase(ctx, subscriberId, planId)).kind, 'completed');
}
