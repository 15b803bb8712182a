import type { PortalContext } from '../context.ts';
import { requestReceiptMail } from '../mail/receipt-job.ts';
import type { PaymentMethod, PaymentState } from '../payments/provider.ts';
import type { Checkout } from '../storage/checkouts.ts';
import * as checkouts from '../storage/checkouts.ts';
import { getPlan, type Plan } from '../storage/plans.ts';
import { type Subscriber, subscriberById } from '../storage/subscribers.ts';
import * as subscriptions from '../storage/subscriptions.ts';
import { type CheckoutOutcome, settledOutcome } from './checkout-outcome.ts';
import { giveBack } from './give-back.ts';
import { fullDocument, type SignedDocument, storeDocument } from './issue.ts';
import { planRenewal, type Renewal, unchanged } from './renewal.ts';

/**
 * Acts on what the provider says about a checkout's payment, from a webhook, the customer's return or the expiry
 * sweep's question, in any order and any number of times:
 * - open: nothing to do yet (pending);
 * - declined or canceled: the checkout ends without a charge;
 * - captured: recorded once (pending → captured; a repeat finds it recorded), refunded at once when the provider took
 *   another amount or currency than the checkout's, then activated.
 * A capture that arrives after the expiry sweep claimed the checkout, or after it ended without a charge (declined,
 * canceled, superseded), is refunded: no payment stays taken without a plan.
 */
export async function confirmPayment(
  ctx: PortalContext,
  checkoutId: string,
  state: PaymentState,
): Promise<CheckoutOutcome> {
  const { db } = ctx.store;
  const now = ctx.clock().toISOString();
  if (state.status === 'open') return current(ctx, checkoutId, { kind: 'pending', checkoutId });
  if (state.status === 'declined') {
    if (await checkouts.markDeclined(db, checkoutId, state.reason, now))
      ctx.log.info({ checkout: checkoutId, reason: state.reason }, 'payment declined');
    return current(ctx, checkoutId, { kind: 'declined', reason: state.reason });
  }
  if (state.status === 'canceled') {
    if (await checkouts.markCanceled(db, checkoutId, now))
      ctx.log.info({ checkout: checkoutId }, 'payment canceled');
    return current(ctx, checkoutId, { kind: 'canceled' });
  }
  const method = state.method ?? (await methodFromProvider(ctx, checkoutId));
  const recorded = await checkouts.markCaptured(
    db,
    checkoutId,
    { reference: state.reference, ...(method ? { method } : {}) },
    now,
  );
  const checkout = await checkouts.getCheckout(db, checkoutId);
  if (!checkout) return { kind: 'unknown-checkout' };
  if (recorded) ctx.log.info({ checkout: checkoutId }, 'payment captured');
  if (checkout.status === 'expiring' || checkout.status === 'expired') {
    // The sweep claimed it while the customer paid: it refunds what it finds too (refunds are idempotent).
    await ctx.payments.refund({ checkoutId, reference: state.reference });
    return { kind: 'expired' };
  }
  if (checkout.status === 'declined' || checkout.status === 'canceled' || checkout.status === 'superseded') {
    // It ended without a charge, and the provider took one after all (a delayed method): it goes back.
    ctx.log.warn(
      { checkout: checkoutId, status: checkout.status },
      'a capture after the checkout ended; refunded',
    );
    await ctx.payments.refund({ checkoutId, reference: state.reference });
    await checkouts.markLateCaptureRefunded(db, checkoutId, state.reference, now);
    return { kind: 'refunded' };
  }
  if (checkout.status !== 'captured') return settledOutcome(checkout) ?? { kind: 'pending', checkoutId };
  if (state.amountMinor !== checkout.amount_minor || state.currency !== checkout.currency) {
    ctx.log.error(
      { checkout: checkoutId, amountMinor: state.amountMinor, currency: state.currency },
      'the provider captured another amount than the checkout asked; refunded',
    );
    return refundCapture(ctx, checkout, 'amount-mismatch');
  }
  return activateCaptured(ctx, checkout);
}

/**
 * How a capture was paid, asked of the provider when its report did not say (Stripe's webhooks carry no card
 * details): for the receipt only, so a provider that cannot answer now leaves it out rather than failing the capture.
 */
async function methodFromProvider(
  ctx: PortalContext,
  checkoutId: string,
): Promise<PaymentMethod | undefined> {
  const checkout = await checkouts.getCheckout(ctx.store.db, checkoutId);
  if (checkout?.status !== 'pending') return undefined;
  try {
    const state = await ctx.payments.status({ checkoutId, paymentId: checkout.payment_id });
    return state?.status === 'captured' ? state.method : undefined;
  } catch (error) {
    ctx.log.warn(
      { checkout: checkoutId, err: { message: (error as Error).message } },
      'payment method unknown',
    );
    return undefined;
  }
}

/** The checkout's stored outcome (another report may have moved it first), or `fallback` while it is unfinished. */
async function current(
  ctx: PortalContext,
  checkoutId: string,
  fallback: CheckoutOutcome,
): Promise<CheckoutOutcome> {
  const checkout = await checkouts.getCheckout(ctx.store.db, checkoutId);
  if (!checkout) return { kind: 'unknown-checkout' };
  if (checkout.status === 'captured') return activateCaptured(ctx, checkout);
  return (
    settledOutcome(checkout) ?? (fallback.kind === 'pending' ? fallback : { kind: 'pending', checkoutId })
  );
}

/** Gives a capture back and ends its checkout refunded, with why. */
async function refundCapture(
  ctx: PortalContext,
  checkout: Checkout,
  failure: 'already-active' | 'amount-mismatch',
): Promise<CheckoutOutcome> {
  if (!checkout.payment_reference) throw new Error(`checkout ${checkout.id} is captured without a reference`);
  await giveBack(ctx, checkout, checkout.payment_reference);
  await checkouts.markRefunded(ctx.store.db, checkout.id, failure, ctx.clock().toISOString());
  const after = await checkouts.getCheckout(ctx.store.db, checkout.id);
  return (after && settledOutcome(after)) ?? { kind: 'refunded' };
}

/**
 * Activates a paid checkout: the document is built, validated and signed outside any transaction, then one
 * transaction creates (or extends, or replaces) the subscription and the document version and completes the
 * checkout. A retry after a crash, or a second report of the same capture, finds it completed. When the purchase is
 * no longer possible (another checkout of the same SIM won the race), the payment is refunded.
 */
export function activateCaptured(ctx: PortalContext, checkout: Checkout): Promise<CheckoutOutcome> {
  // The webhook and the customer's return usually arrive together: in one process they share one activation (one
  // document signed) instead of racing to the same answer. Across processes the transaction decides, as before.
  const running = activations.get(checkout.id);
  if (running) return running;
  const activation = activateOnce(ctx, checkout).finally(() => activations.delete(checkout.id));
  activations.set(checkout.id, activation);
  return activation;
}

/** The activations running in this process, by checkout id. */
const activations = new Map<string, Promise<CheckoutOutcome>>();

async function activateOnce(ctx: PortalContext, checkout: Checkout): Promise<CheckoutOutcome> {
  const { plan, subscriber } = await checkoutParties(ctx, checkout);
  const outcome = await activate(ctx, checkout.id, subscriber, plan);
  if (outcome.kind === 'already-active') {
    ctx.log.warn({ checkout: checkout.id }, 'the subscriber already has an active plan; payment refunded');
    return refundCapture(ctx, checkout, 'already-active');
  }
  if (outcome.kind === 'expired' && checkout.payment_reference)
    // The expiry sweep cancelled it before this activation: it refunds too (refunds are idempotent).
    await giveBack(ctx, checkout, checkout.payment_reference);
  if (outcome.kind === 'completed') {
    ctx.log.info(
      { checkout: checkout.id, subscription: outcome.subscriptionId, plan: plan.id },
      'plan activated',
    );
    await requestReceiptMail(ctx, checkout);
  }
  return outcome;
}

/** The plan and the subscriber a stored checkout names; both must exist (foreign keys and retired plans stay). */
export async function checkoutParties(
  ctx: PortalContext,
  checkout: Checkout,
): Promise<{ plan: Plan; subscriber: Subscriber }> {
  const { db } = ctx.store;
  const plan = checkout.plan_id ? await getPlan(db, checkout.plan_id) : undefined;
  if (!plan) throw new Error(`checkout ${checkout.id} names no plan of the catalog`);
  const subscriber = await subscriberById(db, checkout.subscriber_id);
  if (!subscriber) throw new Error(`checkout ${checkout.id} names a missing subscriber`);
  return { plan, subscriber };
}

async function activate(
  ctx: PortalContext,
  checkoutId: string,
  subscriber: Subscriber,
  plan: Plan,
): Promise<CheckoutOutcome> {
  const subscriberId = subscriber.id;
  const now = ctx.clock().toISOString();
  const run = (renewal: Renewal, document: SignedDocument) =>
    ctx.store.transaction(async (tx): Promise<CheckoutOutcome | 'stale'> => {
      await checkouts.lockSubscriberCheckouts(tx, subscriberId);
      const locked = await checkouts.getCheckoutLocked(tx, checkoutId);
      const settled = locked && settledOutcome(locked);
      if (settled) return settled;
      await subscriptions.expireEnded(tx, subscriberId, now);
      const active = await subscriptions.activeSubscription(tx, subscriberId);
      const { subscription } = renewal;
      if (renewal.kind === 'new') {
        if (active)
          return ctx.config.operator.renewWhileActive === 'refuse'
            ? { kind: 'already-active', subscriberId }
            : 'stale';
        await subscriptions.insertSubscription(tx, subscription);
      } else if (!unchanged(renewal.base, active)) {
        return 'stale';
      } else if (renewal.kind === 'extend') {
        await subscriptions.extendSubscription(tx, subscription.id, subscription);
      } else {
        await subscriptions.markReplaced(tx, renewal.base.id, now);
        await subscriptions.insertSubscription(tx, subscription);
      }
      await storeDocument(tx, ctx, subscriberId, document);
      if (!(await checkouts.markCompleted(tx, checkoutId, subscription.id, now)))
        throw new Error(`checkout ${checkoutId} is no longer captured`);
      return { kind: 'completed', subscriberId, subscriptionId: subscription.id };
    });

  // Another purchase may change the active plan between planning and the transaction (it is already paid for): plan
  // again on the new state and sign the new document; a few rounds settle any realistic race.
  for (let round = 0; round < 5; round++) {
    const renewal = await planRenewal(ctx, checkoutId, subscriberId, plan);
    if (typeof renewal === 'string') break;
    const document = await fullDocument(ctx, subscriber, renewal.subscription, plan);
    try {
      const outcome = await run(renewal, document);
      if (outcome !== 'stale') return outcome;
    } catch (error) {
      // A concurrent transaction inserted the active subscription or this checkout's subscription first.
      if (!ctx.store.isUniqueViolation(error)) throw error;
    }
  }
  const after = await checkouts.getCheckout(ctx.store.db, checkoutId);
  return (after && settledOutcome(after)) ?? { kind: 'already-active', subscriberId };
}
