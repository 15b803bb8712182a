import type { PortalContext } from '../context.ts';
import type { Checkout } from '../storage/checkouts.ts';
import {
  claimForExpiry,
  deleteEndedWithoutCharge,
  markExpired,
  unfinishedCheckouts,
} from '../storage/checkouts.ts';
import { giveBack } from './give-back.ts';

/** Checkouts one sweep ends at most; the job runs every minute, so a backlog clears over a few runs. */
const BATCH = 500;

/**
 * The checkout part of the expiry sweep. A checkout left unfinished (pending or captured) for longer than
 * checkouts.ttlMinutes is claimed first (expiring), so that no webhook, return or retry can activate it any more;
 * then its payment is made impossible (an open one is cancelled at the provider) and any capture, the one it
 * recorded or the one the provider reports (a capture whose webhook never came, or a crash between the start and
 * its record), is refunded, and it ends expired. A claimed one whose provider call failed is taken up again by the
 * next sweep. Checkouts that ended without any charge are deleted after checkouts.retentionDays, so that what
 * anonymous visitors leave behind does not pile up.
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
    const reference = checkout.payment_reference ?? (await providerCapture(ctx, checkout));
    if (reference) await giveBack(ctx, checkout, reference);
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

/**
 * The capture the provider holds for an unpaid checkout, after making an open payment impossible to complete: the
 * customer may pay in the moment between the status and the cancel, so the status is asked again after it.
 */
async function providerCapture(ctx: PortalContext, checkout: Checkout): Promise<string | null> {
  const payment = { checkoutId: checkout.id, paymentId: checkout.payment_id };
  let state = await ctx.payments.status(payment);
  if (state?.status === 'open') {
    const paymentId = checkout.payment_id;
    if (paymentId) await ctx.payments.cancel({ checkoutId: checkout.id, paymentId });
    state = await ctx.payments.status(payment);
  }
  return state?.status === 'captured' ? state.reference : null;
}
