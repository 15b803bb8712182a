import { randomUUID } from 'node:crypto';
import { orderNumber } from './activation/order-number.ts';
import { activateCaptured } from './activation/payment-confirmation.ts';
import { subscriberForSim } from './activation/subscribers.ts';
import { demoCdmaSubscribers, demoSims } from './config/demo.ts';
import type { PortalContext } from './context.ts';
import { type Checkout, importCheckout } from './storage/checkouts.ts';
import { getPlan, type Plan } from './storage/plans.ts';
import { findSim } from './storage/sims.ts';
import { insertSubscription, latestSubscription } from './storage/subscriptions.ts';

/** The demo link of each scenario: the AccountExperienceURL with the parameters Windows would append. */
export function demoLinks(publicUrl: string): Array<{ scenario: string; url: string }> {
  const base = publicUrl.replace(/\/$/, '');
  return [
    ...demoSims.map((sim) => ({
      scenario: sim.scenario,
      url: `${base}/?SubId=${sim.imsi}&DevId=${sim.devId}&IccId=${sim.iccid}`,
    })),
    ...demoCdmaSubscribers.map((sub) => ({
      scenario: sub.scenario,
      url: `${base}/?SubId=${sub.min}&DevId=${sub.devId}`,
    })),
  ];
}

/** A demo purchase, recorded as paid by the demo itself (no payment service was asked). */
function demoCheckout(
  subscriberId: string,
  plan: Plan,
  status: 'captured' | 'completed',
  at: string,
): Checkout {
  const id = randomUUID();
  return {
    id,
    subscriber_id: subscriberId,
    plan_id: plan.id,
    amount_minor: plan.price_minor,
    currency: plan.currency,
    status,
    payment_reference: 'demo',
    failure: null,
    subscription_id: null,
    client_key: null,
    payment_provider: 'demo',
    payment_id: null,
    method_kind: 'other',
    method_brand: null,
    method_last4: null,
    method_label: 'Demo',
    paid_at: at,
    order_number: orderNumber(id),
    receipt_email_encrypted: null,
    receipt_sent_at: null,
    receipt_claimed_at: null,
    lang: null,
    created_at: at,
    updated_at: at,
  };
}

/**
 * Gives the demo SIMs the history their scenario needs, once: a plan that expired by date, one exhausted by data,
 * and an active one (a paid checkout activated by the real activation).
 */
export async function seedDemoHistory(ctx: PortalContext): Promise<void> {
  const { db } = ctx.store;
  const now = ctx.clock();
  for (const demo of demoSims) {
    if (demo.scenario.startsWith('first-use')) continue;
    const sim = await findSim(db, { iccid: demo.iccid });
    if (!sim) continue;
    const subscriber = await subscriberForSim(ctx, sim, demo.devId);
    if (await latestSubscription(db, subscriber.id)) continue;
    const plan = await getPlan(db, 'month-10gb');
    if (!plan) continue;
    if (demo.scenario === 'active') {
      const checkout = demoCheckout(subscriber.id, plan, 'captured', now.toISOString());
      await importCheckout(db, checkout);
      await activateCaptured(ctx, checkout);
      continue;
    }
    const exhausted = demo.scenario === 'renewal-exhausted';
    const starts = new Date(now.getTime() - (exhausted ? 10 : 32) * 86_400_000).toISOString();
    const ends = new Date(Date.parse(starts) + plan.duration_days * 86_400_000).toISOString();
    const checkout = demoCheckout(subscriber.id, plan, 'completed', starts);
    const checkoutId = checkout.id;
    await ctx.store.transaction(async (tx) => {
      await importCheckout(tx, checkout);
      await insertSubscription(tx, {
        id: randomUUID(),
        subscriber_id: subscriber.id,
        plan_id: plan.id,
        status: exhausted ? 'exhausted' : 'expired',
        starts_at: starts,
        ends_at: ends,
        data_limit_mb: plan.data_limit_mb,
        usage_mb: exhausted ? (plan.data_limit_mb ?? 0) : 7200,
        usage_at: exhausted ? now.toISOString() : ends,
        checkout_id: checkoutId,
        created_at: starts,
      });
    });
  }
}
