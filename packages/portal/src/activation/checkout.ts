import type { PortalContext } from '../context.ts';
import type { PaymentLang } from '../payments/provider.ts';
import { randomToken } from '../security/tokens.ts';
import type { Checkout } from '../storage/checkouts.ts';
import * as checkouts from '../storage/checkouts.ts';
import { getPlan, type Plan } from '../storage/plans.ts';
import { subscriberById } from '../storage/subscribers.ts';
import { localizedName, t } from '../views/i18n.ts';
import { type CheckoutOutcome, settledOutcome } from './checkout-outcome.ts';
import { preflightDocument } from './issue.ts';
import { orderNumber } from './order-number.ts';
import { activateCaptured, checkoutParties, confirmPayment } from './payment-confirmation.ts';
import { planRenewal } from './renewal.ts';
import { planKindFor } from './subscribers.ts';

export type { CheckoutOutcome } from './checkout-outcome.ts';

/** A purchase as the plans page's form posts it. No card data: the customer pays on the provider's page. */
export interface CheckoutRequest {
  /** The idempotency key the plans page signed into its form (newCheckoutId). */
  checkoutId: string;
  subscriberId: string;
  /** When the plans page was shown: an older form than checkouts.ttlMinutes starts nothing. */
  shownAt: Date;
  planId: string;
  /** Who posted it, as Secrets.clientKey of the client address: checkouts.maxPerClient counts it. */
  client: string;
  /** The page language, for the provider's hosted page and the receipt e-mail. */
  lang: PaymentLang;
  /**
   * Where to e-mail the receipt, as parseReceiptEmail (mail/email-address.ts) accepted it; stored encrypted until the
   * receipt is sent. Only when smtp is configured.
   */
  receiptEmail?: string;
}

/** What posting the plans page leads to: the provider's page, or an outcome already known. */
export type CheckoutStart = { kind: 'pay'; url: string } | CheckoutOutcome;

/** A fresh checkout id for a plans page: nothing is stored until its form is posted (startCheckout). */
export function newCheckoutId(): string {
  return randomToken(18);
}

/** What the customer reads on the provider's page and statement: the operator and the plan, in the page's language. */
function paymentDescription(ctx: PortalContext, plan: Plan, lang: PaymentLang): string {
  const { name, nameJa } = ctx.config.operator;
  return t(lang, 'pay.description', {
    operator: localizedName(name, nameJa, lang),
    plan: localizedName(plan.name, plan.name_ja, lang),
  });
}

/** Where the provider sends the customer back after paying, or after giving up. */
export function checkoutReturnUrl(ctx: PortalContext, checkoutId: string, how: 'return' | 'cancel'): string {
  return `${ctx.config.server.publicUrl.replace(/\/$/, '')}/checkout/${checkoutId}/${how}`;
}

/**
 * Stores the checkout of a posted form: pending, with its plan and price fixed (a retry cannot switch plans), if
 * the form is recent enough, the plan on sale and the SIM and client within their limits. A double submit finds
 * the stored one.
 */
async function storeCheckout(
  ctx: PortalContext,
  request: CheckoutRequest,
): Promise<Checkout | CheckoutOutcome> {
  const limits = ctx.config.checkouts;
  const now = ctx.clock();
  if (now.getTime() - request.shownAt.getTime() > limits.ttlMinutes * 60_000) return { kind: 'expired' };
  const plan = await getPlan(ctx.store.db, request.planId);
  const subscriber = await subscriberById(ctx.store.db, request.subscriberId);
  // A SIM's customer buys mobile plans, a customer without a SIM Wi-Fi plans; a forged form gets neither.
  if (plan?.status !== 'active' || !subscriber || plan.kind !== planKindFor(subscriber))
    return { kind: 'plan-unavailable' };
  const windowMs = limits.windowMinutes * 60_000;
  const stored = await checkouts.insertCheckout(
    ctx.store.db,
    {
      id: request.checkoutId,
      subscriberId: request.subscriberId,
      planId: plan.id,
      amountMinor: plan.price_minor,
      currency: plan.currency,
      clientKey: request.client,
      orderNumber: orderNumber(request.checkoutId),
      receiptEmailEncrypted: request.receiptEmail ? ctx.secrets.encrypt(request.receiptEmail) : null,
      lang: request.lang,
      now: now.toISOString(),
    },
    {
      since: new Date(now.getTime() - windowMs).toISOString(),
      maxPerSubscriber: limits.maxPerSim,
      maxPerClient: limits.maxPerClient,
    },
  );
  if (stored.kind === 'limited') {
    const free = Date.parse(stored.oldest) + windowMs - now.getTime();
    return { kind: 'limited', retryAfterSeconds: Math.max(1, Math.ceil(free / 1000)) };
  }
  const checkout = await checkouts.getCheckout(ctx.store.db, request.checkoutId);
  if (!checkout) throw new Error(`checkout ${request.checkoutId} vanished after it was stored`);
  return checkout;
}

/**
 * Starts a purchase, safely under retries, double clicks, crashes and restarts (docs/checkout.md):
 * 1. the checkout is stored when the form is posted, pending with its plan and price fixed;
 * 2. the document the purchase would activate is checked, so a configuration error is found before any charge;
 * 3. the provider starts the payment with the checkout id as idempotency key (a retry gets the same payment) and
 *    the customer is sent to its page; operator billing may answer at once.
 * The payment is confirmed later, by the provider's signed webhook or the customer's return (returnFromPayment),
 * whichever comes first; payment-confirmation.ts activates. A purchase that the active plan makes impossible ends
 * superseded before any payment is asked.
 */
export async function startCheckout(ctx: PortalContext, request: CheckoutRequest): Promise<CheckoutStart> {
  const { db } = ctx.store;
  let checkout = await checkouts.getCheckout(db, request.checkoutId);
  if (!checkout) {
    const stored = await storeCheckout(ctx, request);
    if ('kind' in stored) return stored;
    checkout = stored;
  }
  if (checkout.subscriber_id !== request.subscriberId) return { kind: 'unknown-checkout' };
  const settled = settledOutcome(checkout);
  if (settled) return settled;
  if (checkout.status === 'captured') return activateCaptured(ctx, checkout);

  const { plan, subscriber } = await checkoutParties(ctx, checkout);
  const planned = await planRenewal(ctx, checkout.id, subscriber.id, plan);
  if (typeof planned === 'string') {
    // Impossible while the active plan lasts. A payment started by an earlier post may have been paid meanwhile:
    // the provider says; a capture is then refunded by the confirmation.
    if (checkout.payment_id) return returnFromPayment(ctx, checkout.id, subscriber.id);
    if (await checkouts.markSuperseded(db, checkout.id, planned, ctx.clock().toISOString()))
      return planned === 'already-active'
        ? { kind: planned, subscriberId: subscriber.id }
        : { kind: planned };
    return startCheckout(ctx, request);
  }
  preflightDocument(ctx, subscriber, planned.subscription, plan);

  // With the outcome lines of payment-confirmation.ts, the log tells a payment never started from one never paid.
  ctx.log.info({ checkout: checkout.id, provider: ctx.payments.name }, 'starting payment');
  const start = await ctx.payments.start({
    checkoutId: checkout.id,
    amountMinor: checkout.amount_minor ?? plan.price_minor,
    currency: checkout.currency ?? plan.currency,
    description: paymentDescription(ctx, plan, request.lang),
    account: { iccid: subscriber.iccid, imsi: subscriber.imsi },
    returnUrl: checkoutReturnUrl(ctx, checkout.id, 'return'),
    cancelUrl: checkoutReturnUrl(ctx, checkout.id, 'cancel'),
    expiresAt: new Date(Date.parse(checkout.created_at) + ctx.config.checkouts.ttlMinutes * 60_000),
    lang: request.lang,
  });
  await checkouts.recordPayment(
    db,
    checkout.id,
    ctx.payments.name,
    start.paymentId,
    ctx.clock().toISOString(),
  );
  if (start.kind === 'redirect') return { kind: 'pay', url: start.url };
  return confirmPayment(ctx, checkout.id, start.state);
}

/**
 * The customer is back from the provider's page (or the payment-pending page reloads): the provider is asked, never
 * the URL trusted. A checkout of another subscriber, or none, is unknown.
 */
export async function returnFromPayment(
  ctx: PortalContext,
  checkoutId: string,
  subscriberId?: string,
): Promise<CheckoutOutcome> {
  const checkout = await checkouts.getCheckout(ctx.store.db, checkoutId);
  if (!checkout || (subscriberId !== undefined && checkout.subscriber_id !== subscriberId))
    return { kind: 'unknown-checkout' };
  const settled = settledOutcome(checkout);
  if (settled) return settled;
  if (checkout.status === 'captured') return activateCaptured(ctx, checkout);
  ctx.log.info({ checkout: checkoutId }, 'checking payment');
  const state = await ctx.payments.status({ checkoutId, paymentId: checkout.payment_id });
  if (!state) return checkout.payment_id ? { kind: 'pending', checkoutId } : { kind: 'canceled' };
  return confirmPayment(ctx, checkoutId, state);
}
