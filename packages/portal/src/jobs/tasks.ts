import { sweepCheckouts } from '../activation/checkout-expiry.ts';
import { fullDocument, storeDocument } from '../activation/issue.ts';
import type { PortalContext } from '../context.ts';
import { getPlan } from '../storage/plans.ts';
import { deleteExpiredRateLimits } from '../storage/rate-limits.ts';
import { subscriberById } from '../storage/subscribers.ts';
import { activeSubscriptions, expireEnded } from '../storage/subscriptions.ts';
import type { JobQueue } from './queue.ts';

/** Marks plans past their end as expired (the walled garden closes at once for the policy API anyway). */
export async function expireSweep(ctx: PortalContext): Promise<number> {
  return expireEnded(ctx.store.db, undefined, ctx.clock().toISOString());
}

/** Rate limit rows one statement deletes, and statements one sweep runs at most (the rest waits a minute). */
const RATE_LIMIT_BATCH = 5_000;
const RATE_LIMIT_ROUNDS = 20;

/**
 * Deletes the rate limit counts whose window is over (and its slack), in bounded statements; answers how many. Only
 * a shared database holds any (rate-limits/open.ts); on SQLite the index finds none at once.
 */
export async function sweepRateLimits(ctx: PortalContext): Promise<number> {
  const now = ctx.clock().toISOString();
  let deleted = 0;
  for (let round = 0; round < RATE_LIMIT_ROUNDS; round++) {
    const n = await deleteExpiredRateLimits(ctx.store.db, now, RATE_LIMIT_BATCH);
    deleted += n;
    if (n < RATE_LIMIT_BATCH) break;
  }
  return deleted;
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

/**
 * The periodic expiry sweep: plans past their end, unfinished checkouts, rate limit counts of past windows. Each step
 * is safe to run in two processes at once (pg-boss hands each minute's run to one process, but a run that outlasts
 * its minute meets the next one): conditional updates, a claim before each refund, deletes.
 */
export async function runExpirySweep(ctx: PortalContext): Promise<void> {
  await expireSweep(ctx);
  await sweepCheckouts(ctx);
  await sweepRateLimits(ctx);
}

/** Registers the handlers and runs the expiry sweep every minute (on PostgreSQL, pg-boss: one schedule for all). */
export async function startJobs(ctx: PortalContext, queue: JobQueue): Promise<void> {
  await queue.work('expire-sweep', () => runExpirySweep(ctx));
  await queue.work('regenerate-documents', async () => {
    await regenerateDocuments(ctx);
  });
  await queue.every('expire-sweep', 60);
}
