import type { PortalContext } from '../context.ts';
import {
  claimForExpiry,
  deleteEndedWithoutCharge,
  markExpired,
  unfinishedCheckouts,
} from '../storage/checkouts.ts';

/** Checkouts one sweep ends at most; the job runs every minute, so a backlog clears over a few runs. */
const BATCH = 500;

/**
 * The checkout part of the expiry sweep. A checkout left unfinished (pending or captured) for longer than
 * checkouts.ttlMinutes is claimed first (expiring), so that a request still working on it can no longer activate
 * it; then any charge for it, the one it recorded or the one the provider finds by its idempotency key (a crash
 * between the capture and its record), is refunded, and it ends expired. A claimed one whose refund failed is
 * taken up again by the next sweep. Checkouts that ended without any charge are deleted after
 * checkouts.retentionDays, so that what anonymous visitors leave behind does not pile up.
 */
export async function sweepCheckouts(ctx: PortalContext): Promise<{ expired: number; deleted: number }> {
  const { db } = ctx.store;
  const { ttlMinutes, retentionDays } = ctx.config.checkouts;
  const now = ctx.clock();
  const before = new Date(now.getTime() - ttlMinutes * 60_000).toISOString();
  let expired = 0;
  for (const checkout of await unfinishedCheckouts(db, before, BATCH)) {
    const at = ctx.clock().toISOString();
    if (
      checkout.status !== 'expiring' &&
      !(await claimForExpiry(db, checkout.id, checkout.status as 'pending' | 'captured', at))
    )
      continue; // a request moved it on meanwhile
    const found = checkout.payment_reference ? undefined : await ctx.payments.lookup(checkout.id);
    const reference = checkout.payment_reference ?? (found?.status === 'captured' ? found.reference : null);
    if (reference) await ctx.payments.refund(reference);
    await markExpired(db, checkout.id, reference, at);
    ctx.log.info({ checkout: checkout.id, refunded: reference !== null }, 'unfinished checkout expired');
    expired++;
  }
  const deleted = await deleteEndedWithoutCharge(
    db,
    new Date(now.getTime() - retentionDays * 86_400_000).toISOString(),
  );
  return { expired, deleted };
}
