import { sweepCheckouts } from '../activation/checkout-expiry.ts';
import { fullDocument, storeDocument } from '../activation/issue.ts';
import type { PortalContext } from '../context.ts';
import { requestDisconnects, runDisconnectJob } from '../hotspot/disconnect.ts';
import { forgetUnsentReceipts, sendReceiptMail } from '../mail/receipt-job.ts';
import { pruneDocumentsPage } from '../storage/documents.ts';
import { closeSilentSessions, deleteStoppedSessions } from '../storage/radius-sessions.ts';
import { deleteExpiredRateLimits } from '../storage/rate-limits.ts';
import { activeSubscriptionsPage, expireEndedBatch } from '../storage/subscriptions.ts';
import type { JobQueue } from './queue.ts';

/** How many rows a page of a periodic job holds: small enough for short statements, large enough to be few. */
export const JOB_PAGE_SIZE = 500;

/**
 * How many subscribers a prune batch holds. Fewer than the other jobs' pages: PostgreSQL's estimate for a batch of
 * 500 crossed its default JIT threshold (jit_above_cost 100,000), and compiling the plan took longer than deleting
 * (23 ms of 82 ms at 1 million subscribers, EXPLAIN ANALYZE).
 */
export const PRUNE_PAGE_SIZE = 200;

/**
 * Marks plans past their end as expired (the walled garden closes at once for the policy API anyway), in bounded
 * batches, those that ended first first, and queues the end of their subscribers' Wi-Fi sessions; returns how many.
 */
export async function expireSweep(
  ctx: PortalContext,
  { pageSize = JOB_PAGE_SIZE }: { pageSize?: number } = {},
): Promise<number> {
  const now = ctx.clock().toISOString();
  let expired = 0;
  for (;;) {
    const batch = await expireEndedBatch(ctx.store.db, now, pageSize);
    await requestDisconnects(ctx, batch, 'expired');
    expired += batch.length;
    if (batch.length < pageSize) return expired;
  }
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
 * configuration or the signing certificate changed, so that the next refresh brings the change to the PC. Pages
 * through the active subscriptions by subscriber id, one statement per page, so memory stays flat at any size.
 */
export async function regenerateDocuments(
  ctx: PortalContext,
  { pageSize = JOB_PAGE_SIZE }: { pageSize?: number } = {},
): Promise<number> {
  let done = 0;
  let after = '';
  for (;;) {
    const page = await activeSubscriptionsPage(ctx.store.db, after, pageSize);
    for (const { subscriber, subscription, plan } of page) {
      const document = await fullDocument(ctx, subscriber, subscription, plan);
      await storeDocument(ctx.store.db, ctx, subscriber.id, document);
      done++;
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) break;
    after = last.subscriber.id;
  }
  ctx.log.info({ documents: done }, 'documents regenerated');
  return done;
}

/**
 * Deletes old document versions: each subscriber keeps its documents.keepVersions newest and its newest full
 * document. Pages through the subscribers by id, one bounded statement per page; returns how many were deleted.
 */
export async function pruneDocuments(
  ctx: PortalContext,
  { pageSize = PRUNE_PAGE_SIZE }: { pageSize?: number } = {},
): Promise<number> {
  const keep = ctx.config.documents.keepVersions;
  let deleted = 0;
  let after: string | undefined = '';
  while (after !== undefined) {
    const batch = await pruneDocumentsPage(ctx.store.db, after, { pageSize, keep });
    deleted += batch.deleted;
    after = batch.next;
  }
  ctx.log.info({ deleted, keep }, 'old document versions pruned');
  return deleted;
}

/**
 * Bounds the RADIUS accounting sessions: closes the open ones with no record for radius.openSessionHours (their NAS
 * lost them), then deletes the stopped ones whose last record is older than radius.sessionRetentionDays, in bounded
 * statements. Answers how many were closed and deleted.
 */
export async function pruneRadiusSessions(
  ctx: PortalContext,
  { pageSize = JOB_PAGE_SIZE }: { pageSize?: number } = {},
): Promise<{ closed: number; deleted: number }> {
  const now = ctx.clock();
  const { openSessionHours, sessionRetentionDays } = ctx.config.radius;
  const silentSince = new Date(now.getTime() - openSessionHours * 3_600_000).toISOString();
  const keptSince = new Date(now.getTime() - sessionRetentionDays * 86_400_000).toISOString();
  let closed = 0;
  let deleted = 0;
  for (let n = pageSize; n === pageSize; closed += n)
    n = await closeSilentSessions(ctx.store.db, silentSince, now.toISOString(), pageSize);
  for (let n = pageSize; n === pageSize; deleted += n)
    n = await deleteStoppedSessions(ctx.store.db, keptSince, pageSize);
  ctx.log.info({ closed, deleted }, 'RADIUS sessions pruned');
  return { closed, deleted };
}

/**
 * The periodic expiry sweep: plans past their end, unfinished checkouts, rate limit counts of past windows, addresses
 * of receipts that could not be sent. Each step
 * is safe to run in two processes at once (pg-boss hands each minute's run to one process, but a run that outlasts
 * its minute meets the next one): conditional updates, a claim before each refund, deletes.
 */
export async function runExpirySweep(ctx: PortalContext): Promise<void> {
  await expireSweep(ctx);
  await sweepCheckouts(ctx);
  await sweepRateLimits(ctx);
  await forgetUnsentReceipts(ctx);
}

/**
 * Registers the handlers and the periodic jobs: the expiry sweep every minute, pruning of old document versions and of
 * RADIUS sessions every hour, and with eSIM the return of stuck orders every minute (on PostgreSQL, pg-boss: one
 * schedule for all processes). Receipt e-mails are queued as checkouts complete, Disconnects as access closes
 * (hotspot/disconnect.ts).
 */
export async function startJobs(ctx: PortalContext, queue: JobQueue): Promise<void> {
  await queue.work('expire-sweep', () => runExpirySweep(ctx));
  await queue.work('regenerate-documents', async () => {
    await regenerateDocuments(ctx);
  });
  await queue.work('prune-documents', async () => {
    await pruneDocuments(ctx);
  });
  await queue.work('prune-radius-sessions', async () => {
    await pruneRadiusSessions(ctx);
  });
  await queue.work('disconnect-sessions', (data) => runDisconnectJob(ctx, data));
  await queue.work('receipt-mail', async (data) => {
    if (typeof data.checkoutId !== 'string') throw new Error('a receipt-mail job without a checkoutId');
    await sendReceiptMail(ctx, data.checkoutId);
  });
  await queue.every('expire-sweep', 60);
  await queue.every('prune-documents', 3600);
  await queue.every('prune-radius-sessions', 3600);
  const esim = ctx.esim;
  if (esim) {
    // Its own job, not a step of the expiry sweep: an SM-DP+ that is down must not hold up the sweep.
    await queue.work('return-stuck-esim-orders', async () => {
      await esim.returnStuck({ pageSize: JOB_PAGE_SIZE });
    });
    await queue.every('return-stuck-esim-orders', 60);
  }
}
