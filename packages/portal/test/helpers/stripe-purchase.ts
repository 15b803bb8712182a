import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { newCheckoutId, returnFromPayment, startCheckout } from '../../src/activation/checkout.ts';
import { StripeSettingsSchema } from '../../src/config/schema.ts';
import { openStripeProvider } from '../../src/payments/stripe-provider.ts';
import { type Checkout, getCheckout } from '../../src/storage/checkouts.ts';
import type { TestContext } from './context.ts';
import type { StripeDouble } from './stripe-double.ts';

/** The Stripe secret key the double accepts, and the environment that holds it. */
export const STRIPE_SECRET_KEY = 'sk_test_51MbprovDoubleKey0123456789abcdefWXYZ';
export const STRIPE_ENV = {
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET: 'whsec_9f8e7d6c5b4a39281706f5e4d3c2b1a0',
};

/** Makes the Stripe provider on `double` the context's payment provider (on the context's clock). */
export function payOnStripeDouble(ctx: TestContext, double: StripeDouble): void {
  ctx.config.payments.provider = 'stripe';
  ctx.config.payments.stripe = {
    ...Value.Create(StripeSettingsSchema),
    apiBase: double.apiBase,
    timeoutMs: 5_000,
    maxNetworkRetries: 0,
  };
  ctx.payments = openStripeProvider(ctx.config, STRIPE_ENV, {
    httpAgent: double.agent(),
    now: () => ctx.clock(),
  }) as unknown as TestContext['payments'];
}

/**
 * A purchase through the checkout as the plans page posts it (plan, language, receipt address), paid on the Stripe
 * double's hosted page with a Visa ending in 4242, then the customer's return; answers the completed checkout.
 */
export async function buyOnStripeDouble(
  ctx: TestContext,
  double: StripeDouble,
  subscriberId: string,
  options: { planId?: string; lang?: 'en' | 'ja'; receiptEmail?: string } = {},
): Promise<Checkout> {
  const checkoutId = newCheckoutId();
  const start = await startCheckout(ctx, {
    checkoutId,
    subscriberId,
    shownAt: ctx.clock(),
    planId: options.planId ?? 'day-1gb',
    client: 'test-client',
    lang: options.lang ?? 'en',
    ...(options.receiptEmail ? { receiptEmail: options.receiptEmail } : {}),
  });
  assert.equal(start.kind, 'pay');
  const stored = await getCheckout(ctx.store.db, checkoutId);
  assert.ok(stored?.payment_id);
  double.pay(stored.payment_id, { brand: 'visa', last4: '4242' });
  assert.equal((await returnFromPayment(ctx, checkoutId, subscriberId)).kind, 'completed');
  const completed = await getCheckout(ctx.store.db, checkoutId);
  assert.ok(completed);
  return completed;
}
