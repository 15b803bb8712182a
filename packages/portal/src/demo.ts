import { randomUUID } from 'node:crypto';
import { completeCheckout, newCheckoutId } from './activation/checkout.ts';
import { subscriberForSim } from './activation/subscribers.ts';
import { demoCdmaSubscribers, demoSims } from './config/demo.ts';
import type { PortalContext } from './context.ts';
import { TEST_CARDS } from './payments/card-test-provider.ts';
import { importCheckout } from './storage/checkouts.ts';
import { getPlan } from './storage/plans.ts';
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

/**
 * Gives the demo SIMs the history their scenario needs, once: a plan that expired by date, one exhausted by data,
 * and an active one (bought through the real checkout with the test card).
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
    if (demo.scenario === 'active') {
      await completeCheckout(ctx, {
        checkoutId: newCheckoutId(),
        subscriberId: subscriber.id,
        shownAt: ctx.clock(),
        client: 'demo',
        planId: 'month-10gb',
        card: { number: TEST_CARDS.accepted, expiry: '12/39', cvc: '123', name: 'Demo' },
      });
      continue;
    }
    const plan = await getPlan(db, 'month-10gb');
    if (!plan) continue;
    const exhausted = demo.scenario === 'renewal-exhausted';
    const starts = new Date(now.getTime() - (exhausted ? 10 : 32) * 86_400_000).toISOString();
    const ends = new Date(Date.parse(starts) + plan.duration_days * 86_400_000).toISOString();
    const checkoutId = randomUUID();
    await ctx.store.transaction(async (tx) => {
      await importCheckout(tx, {
        id: checkoutId,
        subscriber_id: subscriber.id,
        plan_id: plan.id,
        amount_minor: plan.price_minor,
        currency: plan.currency,
        status: 'completed',
        payment_reference: 'demo',
        failure: null,
        subscription_id: null,
        client_key: null,
        created_at: starts,
        updated_at: starts,
      });
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
