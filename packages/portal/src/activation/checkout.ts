import { randomUUID } from 'node:crypto';
import type { PortalContext } from '../context.ts';
import type { Card, DeclineReason } from '../payments/card-capture.ts';
import { randomToken } from '../security/tokens.ts';
import type { Checkout } from '../storage/checkouts.ts';
import * as checkouts from '../storage/checkouts.ts';
import { getPlan, type Plan } from '../storage/plans.ts';
import { type Subscriber, subscriberById } from '../storage/subscribers.ts';
import type { Subscription } from '../storage/subscriptions.ts';
import * as subscriptions from '../storage/subscriptions.ts';
import { fullDocument, type SignedDocument, storeDocument } from './issue.ts';

/** How a checkout ended. */
export type CheckoutOutcome =
  | { kind: 'completed'; subscriberId: string; subscriptionId: string }
  | { kind: 'declined'; reason: DeclineReason }
  | { kind: 'already-active'; subscriberId: string }
  | { kind: 'plan-unavailable' }
  /** The form was older than checkouts.ttlMinutes, or the expiry sweep cancelled the checkout. */
  | { kind: 'expired' }
  /** The SIM or the client started their maximum of checkouts in the window; nothing was stored. */
  | { kind: 'limited'; retryAfterSeconds: number }
  | { kind: 'unknown-checkout' };

/** A purchase as the plans page's form posts it. */
export interface CheckoutRequest {
  /** The idempotency key the plans page signed into its form (newCheckoutId). */
  checkoutId: string;
  subscriberId: string;
  /** When the plans page was shown: an older form than checkouts.ttlMinutes starts nothing. */
  shownAt: Date;
  planId: string;
  card: Card;
  /** Who posted it, as Secrets.clientKey of the client address: checkouts.maxPerClient counts it. */
  client: string;
}

/** A fresh checkout id for a plans page: nothing is stored until its form is posted (completeCheckout). */
export function newCheckoutId(): string {
  return randomToken(18);
}

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

/**
 * Stores the checkout of a posted form: pending, with its plan and price fixed (a retry cannot switch plans), if
 * the form is recent enough, the plan on sale and the SIM and client within their limits. A double submit finds
 * the stored one.
 */
async function startCheckout(
  ctx: PortalContext,
  request: CheckoutRequest,
): Promise<{ checkout: Checkout } | { outcome: CheckoutOutcome }> {
  const limits = ctx.config.checkouts;
  const now = ctx.clock();
  if (now.getTime() - request.shownAt.getTime() > limits.ttlMinutes * 60_000)
    return { outcome: { kind: 'expired' } };
  const plan = await getPlan(ctx.store.db, request.planId);
  if (plan?.status !== 'active') return { outcome: { kind: 'plan-unavailable' } };
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
    return { outcome: { kind: 'limited', retryAfterSeconds: Math.max(1, Math.ceil(free / 1000)) } };
  }
  const checkout = await checkouts.getCheckout(ctx.store.db, request.checkoutId);
  if (!checkout) throw new Error(`checkout ${request.checkoutId} vanished after it was stored`);
  return { checkout };
}

/**
 * Pays for a plan and activates it, safely under retries, double clicks, crashes and restarts:
 * 1. the checkout is stored when the form is posted, pending with its plan and price fixed;
 * 2. the provider captures with the checkout id as idempotency key (a retry never charges twice);
 * 3. the document is built, validated and signed off the event loop, outside any transaction;
 * 4. one transaction creates the subscription and the document version and completes the checkout.
 * A crash anywhere leaves a state the same request completes, or the expiry sweep cancels and refunds. When another
 * checkout of the same SIM won the race (one active subscription per subscriber is a database constraint), this
 * payment is refunded; a purchase that the active plan makes impossible ends superseded before any charge.
 */
export async function completeCheckout(
  ctx: PortalContext,
  request: CheckoutRequest,
): Promise<CheckoutOutcome> {
  const { db } = ctx.store;
  let checkout = await checkouts.getCheckout(db, request.checkoutId);
  if (!checkout) {
    const started = await startCheckout(ctx, request);
    if ('outcome' in started) return started.outcome;
    checkout = started.checkout;
  }
  if (checkout.subscriber_id !== request.subscriberId) return { kind: 'unknown-checkout' };
  const settled = settledOutcome(checkout);
  if (settled) return settled;

  const plan = checkout.plan_id ? await getPlan(db, checkout.plan_id) : undefined;
  if (!plan) throw new Error(`checkout ${checkout.id} names no plan of the catalog`);
  // Build, validate and sign first: a configuration that makes an invalid document is found before charging anyone.
  const subscriber = await subscriberById(db, checkout.subscriber_id);
  if (!subscriber) throw new Error(`checkout ${checkout.id} names a missing subscriber`);
  const planned = await planRenewal(ctx, checkout.id, subscriber.id, plan);
  if (typeof planned === 'string' && !checkout.payment_reference)
    return supersede(ctx, checkout, planned, request);
  // Already paid (a retry after a crash) but no longer possible: activation finds that out and refunds.
  const renewal: Renewal =
    typeof planned === 'string'
      ? { kind: 'new', subscription: draftSubscription(ctx, checkout.id, subscriber.id, plan) }
      : planned;
  const document = await fullDocument(ctx, subscriber, renewal.subscription, plan);

  let reference = checkout.payment_reference;
  if (!reference) {
    // With the outcome lines below, the log tells a payment that never came back from one never started.
    ctx.log.info({ checkout: checkout.id }, 'capturing payment');
    const result = await ctx.payments.capture({
      idempotencyKey: checkout.id,
      amountMinor: checkout.amount_minor ?? plan.price_minor,
      currency: checkout.currency ?? plan.currency,
      card: request.card,
      description: `${ctx.config.operator.name}: ${plan.name}`,
    });
    const now = ctx.clock().toISOString();
    if (result.status === 'declined') {
      await checkouts.markDeclined(db, checkout.id, result.reason, now);
      ctx.log.info({ checkout: checkout.id, reason: result.reason }, 'payment declined');
      return { kind: 'declined', reason: result.reason };
    }
    reference = result.reference;
    if (!(await checkouts.markCaptured(db, checkout.id, reference, now))) {
      // A double submit recorded the same capture first (go on), or the expiry sweep cancelled the checkout while
      // the provider was charging: then this payment must not stay taken.
      const current = await checkouts.getCheckout(db, checkout.id);
      if (current?.status !== 'captured') {
        if (current?.status === 'expiring' || current?.status === 'expired')
          await ctx.payments.refund(reference);
        return (current && settledOutcome(current)) ?? { kind: 'expired' };
      }
    }
  }
  return activate(ctx, checkout.id, subscriber, renewal, document, plan, reference);
}

/**
 * Ends a checkout that the subscriber's active plan makes impossible, before anything was charged (superseded), so
 * that no checkout stays pending. When a double submit of it moved on first, answers as that one does.
 */
async function supersede(
  ctx: PortalContext,
  checkout: Checkout,
  reason: 'already-active' | 'plan-unavailable',
  request: CheckoutRequest,
): Promise<CheckoutOutcome> {
  const now = ctx.clock().toISOString();
  if (await checkouts.markSuperseded(ctx.store.db, checkout.id, reason, now))
    return reason === 'already-active'
      ? { kind: reason, subscriberId: checkout.subscriber_id }
      : { kind: reason };
  return completeCheckout(ctx, request);
}

/**
 * What a purchase does: a new period, or, while a plan is active and as `operator.renewWhileActive` says, an
 * extension of that plan or its replacement.
 */
type Renewal =
  | { kind: 'new'; subscription: Subscription }
  | { kind: 'extend' | 'replace'; base: Subscription; subscription: Subscription };

async function planRenewal(
  ctx: PortalContext,
  checkoutId: string,
  subscriberId: string,
  plan: Plan,
): Promise<Renewal | 'already-active' | 'plan-unavailable'> {
  const mode = ctx.config.operator.renewWhileActive;
  const active = await subscriptions.activeSubscription(ctx.store.db, subscriberId);
  const live = active && active.ends_at > ctx.clock().toISOString() ? active : undefined;
  if (!live) return { kind: 'new', subscription: draftSubscription(ctx, checkoutId, subscriberId, plan) };
  if (mode === 'refuse') return 'already-active';
  if (mode === 'replace')
    return {
      kind: 'replace',
      base: live,
      subscription: draftSubscription(ctx, checkoutId, subscriberId, plan),
    };
  if (live.plan_id !== plan.id) return 'plan-unavailable';
  const limit =
    live.data_limit_mb === null || plan.data_limit_mb === null
      ? null
      : live.data_limit_mb + plan.data_limit_mb;
  return {
    kind: 'extend',
    base: live,
    subscription: { ...live, ends_at: addDays(live.ends_at, plan.duration_days), data_limit_mb: limit },
  };
}

/** Whether the active subscription is still the one a renewal was planned on (no other purchase came between). */
function unchanged(base: Subscription, active: Subscription | undefined): boolean {
  return (
    active !== undefined &&
    active.id === base.id &&
    active.ends_at === base.ends_at &&
    active.data_limit_mb === base.data_limit_mb
  );
}

function draftSubscription(
  ctx: PortalContext,
  checkoutId: string,
  subscriberId: string,
  plan: Plan,
): Subscription {
  const now = ctx.clock().toISOString();
  return {
    id: randomUUID(),
    subscriber_id: subscriberId,
    plan_id: plan.id,
    status: 'active',
    starts_at: now,
    ends_at: addDays(now, plan.duration_days),
    data_limit_mb: plan.data_limit_mb,
    usage_mb: 0,
    usage_at: now,
    checkout_id: checkoutId,
    created_at: now,
  };
}

/** A checkout that already ended answers the same way again (double clicks, reloads). */
function settledOutcome(checkout: Checkout): CheckoutOutcome | undefined {
  switch (checkout.status) {
    case 'completed':
      return checkout.subscription_id
        ? {
            kind: 'completed',
            subscriberId: checkout.subscriber_id,
            subscriptionId: checkout.subscription_id,
          }
        : undefined;
    case 'declined':
      return { kind: 'declined', reason: (checkout.failure ?? 'card-declined') as DeclineReason };
    case 'refunded':
      return { kind: 'already-active', subscriberId: checkout.subscriber_id };
    case 'superseded':
      return checkout.failure === 'plan-unavailable'
        ? { kind: 'plan-unavailable' }
        : { kind: 'already-active', subscriberId: checkout.subscriber_id };
    case 'expiring':
    case 'expired':
      return { kind: 'expired' };
    default:
      return undefined;
  }
}

async function activate(
  ctx: PortalContext,
  checkoutId: string,
  subscriber: Subscriber,
  planned: Renewal,
  signedDocument: SignedDocument,
  plan: Plan,
  reference: string,
): Promise<CheckoutOutcome> {
  let renewal = planned;
  let document = signedDocument;
  const subscriberId = subscriber.id;
  const now = ctx.clock().toISOString();
  const run = () =>
    ctx.store.transaction(async (tx): Promise<CheckoutOutcome | 'stale'> => {
      await checkouts.lockSubscriberCheckouts(tx, subscriberId);
      const current = await checkouts.getCheckoutLocked(tx, checkoutId);
      const settled = current && settledOutcome(current);
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

  let outcome: CheckoutOutcome | 'stale' = 'stale';
  // Another purchase changed the active plan since this one was planned (it is already paid for): plan it again
  // on the new state and sign the new document; a few rounds settle any realistic race.
  for (let round = 0; round < 5 && outcome === 'stale'; round++) {
    if (round > 0) {
      const again = await planRenewal(ctx, checkoutId, subscriberId, plan);
      if (typeof again === 'string') break;
      renewal = again;
      document = await fullDocument(ctx, subscriber, renewal.subscription, plan);
    }
    try {
      outcome = await run();
    } catch (error) {
      // A concurrent transaction inserted the active subscription or this checkout's subscription first.
      if (!ctx.store.isUniqueViolation(error)) throw error;
      outcome = 'stale';
    }
  }
  if (outcome === 'stale') outcome = { kind: 'already-active', subscriberId };
  if (outcome.kind === 'already-active') {
    await ctx.payments.refund(reference);
    await checkouts.markRefunded(ctx.store.db, checkoutId, ctx.clock().toISOString());
    ctx.log.warn({ checkout: checkoutId }, 'the subscriber already has an active plan; payment refunded');
  } else if (outcome.kind === 'expired') {
    // The expiry sweep cancelled it before this activation: it refunds too (refunds are idempotent).
    await ctx.payments.refund(reference);
  } else if (outcome.kind === 'completed') {
    ctx.log.info(
      { checkout: checkoutId, subscription: outcome.subscriptionId, plan: plan.id },
      'plan activated',
    );
  }
  return outcome;
}
