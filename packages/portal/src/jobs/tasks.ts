import { sweepCheckouts } from '../activation/checkout-expiry.ts';
import { fullDocument, storeDocument } from '../activation/issue.ts';
import type { PortalContext } from '../context.ts';
import { getPlan } from '../storage/plans.ts';
import { subscriberById } from '../storage/subscribers.ts';
import { activeSubscriptions, expireEnded } from '../storage/subscriptions.ts';
import type { JobQueue } from './queue.ts';

/** Marks plans past their end as expired (the walled garden closes at once for the policy API anyway). */
export async function expireSweep(ctx: PortalContext): Promise<number> {
  return expireEnded(ctx.store.db, undefined, ctx.clock().toISOString());
}

/**
 * Signs a new full document for every subscriber with an active plan, after the catalog, the operator
 * configuration or the signing certificate changed, so that the next refresh brings the change to the PC.
 */
export async function regenerateDocuments(ctx: PortalContext): Promise<number> {
  const active = await activeSubscriptions(ctx.store.db);
  let done = 0;
  for (const subscription of active) {
    const subscriber = await subscriberById(ctx.store.db, subscription.subscriber_id);
    const plan = await getPlan(ctx.store.db, subscription.plan_id);
    if (!subscriber || !plan) continue;
    const document = await fullDocument(ctx, subscriber, subscription, plan);
    await storeDocument(ctx.store.db, ctx, subscriber.id, document);
    done++;
  }
  ctx.log.info({ documents: done }, 'documents regenerated');
  return done;
}

/** Registers the handlers and the periodic expiry sweep (plans past their end, then unfinished checkouts). */
export async function startJobs(ctx: PortalContext, queue: JobQueue): Promise<void> {
  await queue.work('expire-sweep', async () => {
    await expireSweep(ctx);
    await sweepCheckouts(ctx);
  });
  await queue.work('regenerate-documents', async () => {
    await regenerateDocuments(ctx);
  });
  await queue.every('expire-sweep', 60);
}
