import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PortalContext } from '../context.ts';
import type { Card, DeclineReason } from '../payments/provider.ts';
import { randomToken } from '../security/tokens.ts';
import { getPlan, type Plan } from '../storage/inventory.ts';
import type { Database } from '../storage/schema.ts';
import {
  activeSubscription,
  expireEnded,
  getCheckout,
  type Subscriber,
  type Subscription,
  subscriberById,
} from '../storage/subscribers.ts';
import { fullDocument, type SignedDocument, storeDocument } from './issue.ts';

/** How a checkout ended. */
export type CheckoutOutcome =
  | { kind: 'completed'; subscriberId: string; subscriptionId: string }
  | { kind: 'declined'; reason: DeclineReason }
  | { kind: 'already-active'; subscriberId: string }
  | { kind: 'plan-unavailable' }
  | { kind: 'unknown-checkout' };

/** Opens a checkout for a subscriber: its id is the idempotency key the plans page sends back. */
export async function openCheckout(ctx: PortalContext, subscriberId: string): Promise<string> {
  const id = randomToken(18);
  const now = ctx.clock().toISOString();
  await ctx.store.db
    .insertInto('checkouts')
    .values({
      id,
      subscriber_id: subscriberId,
      plan_id: null,
      amount_minor: null,
      currency: null,
      status: 'open',
      payment_reference: null,
      failure: null,
      subscription_id: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e.message ?? '')
  );
}

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

/**
 * Pays for a plan and activates it, safely under retries, double clicks and crashes:
 * 1. the checkout moves from open to pending with its plan and price fixed (a retry cannot switch plans);
 * 2. the provider captures with the checkout id as idempotency key (a retry never charges twice);
 * 3. the document is built, validated and signed off the event loop, outside any transaction;
 * 4. one transaction creates the subscription and the document version and completes the checkout.
 * A crash anywhere leaves a state the same request completes. When another checkout of the same SIM won the race
 * (one active subscription per subscriber is a database constraint), this payment is refunded.
 */
export async function completeCheckout(
  ctx: PortalContext,
  input: { checkoutId: string; planId: string; card: Card },
): Promise<CheckoutOutcome> {
  const { db } = ctx.store;
  let checkout = await getCheckout(db, input.checkoutId);
  if (!checkout) return { kind: 'unknown-checkout' };
  const settled = settledOutcome(checkout);
  if (settled) return settled;

  const plan = await getPlan(db, checkout.plan_id ?? input.planId);
  if (!plan || (checkout.status === 'open' && plan.status !== 'active')) return { kind: 'plan-unavailable' };
  if (checkout.status === 'open') {
    await db
      .updateTable('checkouts')
      .set({
        status: 'pending',
        plan_id: plan.id,
        amount_minor: plan.price_minor,
        currency: plan.currency,
        updated_at: ctx.clock().toISOString(),
      })
      .where('id', '=', checkout.id)
      .where('status', '=', 'open')
      .execute();
    checkout = (await getCheckout(db, checkout.id)) ?? checkout;
  }

  // Build, validate and sign first: a configuration that makes an invalid document is found before charging anyone.
  const subscriber = await subscriberById(db, checkout.subscriber_id);
  if (!subscriber) throw new Error(`checkout ${checkout.id} names a missing subscriber`);
  const planned = await planRenewal(ctx, checkout.id, subscriber.id, plan);
  if (typeof planned === 'string' && !checkout.payment_reference)
    return planned === 'already-active' ? { kind: planned, subscriberId: subscriber.id } : { kind: planned };
  // Already paid (a retry after a crash) but no longer possible: activation finds that out and refunds.
  const renewal: Renewal =
    typeof planned === 'string'
      ? { kind: 'new', subscription: draftSubscription(ctx, checkout.id, subscriber.id, plan) }
      : planned;
  const document = await fullDocument(ctx, subscriber, renewal.subscription, plan);

  let reference = checkout.payment_reference;
  if (!reference) {
    const result = await ctx.payments.capture({
      idempotencyKey: checkout.id,
      amountMinor: checkout.amount_minor ?? plan.price_minor,
      currency: checkout.currency ?? plan.currency,
      card: input.card,
      description: `${ctx.config.operator.name}: ${plan.name}`,
    });
    if (result.status === 'declined') {
      await db
        .updateTable('checkouts')
        .set({ status: 'declined', failure: result.reason, updated_at: ctx.clock().toISOString() })
        .where('id', '=', checkout.id)
        .execute();
      ctx.log.info({ checkout: checkout.id, reason: result.reason }, 'payment declined');
      return { kind: 'declined', reason: result.reason };
    }
    reference = result.reference;
    await db
      .updateTable('checkouts')
      .set({ status: 'captured', payment_reference: reference, updated_at: ctx.clock().toISOString() })
      .where('id', '=', checkout.id)
      .where('status', 'in', ['pending', 'open'])
      .execute();
  }
  return activate(ctx, checkout.id, subscriber, renewal, document, plan, reference);
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
  const active = await activeSubscription(ctx.store.db, subscriberId);
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
function settledOutcome(checkout: {
  status: string;
  subscriber_id: string;
  subscription_id: string | null;
  failure: string | null;
}): CheckoutOutcome | undefined {
  if (checkout.status === 'completed' && checkout.subscription_id) {
    return {
      kind: 'completed',
      subscriberId: checkout.subscriber_id,
      subscriptionId: checkout.subscription_id,
    };
  }
  if (checkout.status === 'declined')
    return { kind: 'declined', reason: (checkout.failure ?? 'card-declined') as DeclineReason };
  if (checkout.status === 'refunded') return { kind: 'already-active', subscriberId: checkout.subscriber_id };
  return undefined;
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
  const { db } = ctx.store;
  let renewal = planned;
  let document = signedDocument;
  const subscriberId = subscriber.id;
  const now = ctx.clock().toISOString();
  const run = () =>
    db.transaction().execute(async (trx): Promise<CheckoutOutcome | 'stale'> => {
      if (ctx.store.dialect === 'postgres') {
        // Serialize checkouts of one subscriber; SQLite serializes every write transaction anyway.
        await trx.selectFrom('subscribers').select('id').where('id', '=', subscriberId).forUpdate().execute();
      }
      const current = await getCheckout(trx, checkoutId);
      const settled = current && settledOutcome(current);
      if (settled) return settled;
      await expireEnded(trx, subscriberId, now);
      const active = await activeSubscription(trx, subscriberId);
      const { subscription } = renewal;
      if (renewal.kind === 'new') {
        if (active)
          return ctx.config.operator.renewWhileActive === 'refuse'
            ? { kind: 'already-active', subscriberId }
            : 'stale';
        await trx.insertInto('subscriptions').values(subscription).execute();
      } else if (!unchanged(renewal.base, active)) {
        return 'stale';
      } else if (renewal.kind === 'extend') {
        await trx
          .updateTable('subscriptions')
          .set({ ends_at: subscription.ends_at, data_limit_mb: subscription.data_limit_mb })
          .where('id', '=', subscription.id)
          .execute();
      } else {
        await trx
          .updateTable('subscriptions')
          .set({ status: 'replaced', ends_at: now })
          .where('id', '=', renewal.base.id)
          .execute();
        await trx.insertInto('subscriptions').values(subscription).execute();
      }
      await storeDocument(trx as unknown as Kysely<Database>, ctx, subscriberId, document);
      await trx
        .updateTable('checkouts')
        .set({ status: 'completed', subscription_id: subscription.id, updated_at: now })
        .where('id', '=', checkoutId)
        .execute();
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
      if (!isUniqueViolation(error)) throw error;
      outcome = 'stale';
    }
  }
  if (outcome === 'stale') outcome = { kind: 'already-active', subscriberId };
  if (outcome.kind === 'already-active') {
    await ctx.payments.refund(reference);
    await db
      .updateTable('checkouts')
      .set({ status: 'refunded', updated_at: ctx.clock().toISOString() })
      .where('id', '=', checkoutId)
      .execute();
    ctx.log.warn({ checkout: checkoutId }, 'the subscriber already has an active plan; payment refunded');
  } else if (outcome.kind === 'completed') {
    ctx.log.info(
      { checkout: checkoutId, subscription: outcome.subscriptionId, plan: plan.id },
      'plan activated',
    );
  }
  return outcome;
}
