import type { PortalContext } from '../context.ts';
import { claimStuckEsimOrder, returnEsimProfile, stuckEsimOrdersPage } from '../storage/esim-profiles.ts';
import { cancelOrderOf, refusesIccid, takeOutOfStock } from './order-stock.ts';
import type { StuckOrders } from './orders.ts';
import type { Smdp } from './smdp.ts';
import { SmdpError } from './smdp-error.ts';

/**
 * How long an order may stay `ordering` before the job takes it back. An order's two ES2+ calls end within
 * 2 × esim.es2plus.timeoutMs (4 minutes at the most the configuration allows), so an order this old is one whose
 * process died between reserving the profile and releasing or returning it.
 */
export const STUCK_ORDER_MS = 10 * 60_000;

/** How many stuck orders one page holds by default. */
const PAGE_SIZE = 100;

/**
 * Takes back the orders a crash left in `ordering` for longer than `olderThanMs`, a page at a time by ICCID: each is
 * claimed (so two runs never handle one), cancelled at the SM-DP+ (ES2+ CancelOrder, Available: the SM-DP+ may hold
 * it, as nobody knows how far the order went) and returned to stock, only from `ordering` (an order that released it
 * meanwhile wins). When the SM-DP+ has no order to cancel (iccidInvalidTransition: DownloadOrder never reached it)
 * the profile is returned all the same; when it refuses the ICCID itself the profile is taken out of stock as after a
 * failed order. Any other failure leaves the row for the next run; an SM-DP+ that is unreachable, busy or timed out
 * ends this run, so a down SM-DP+ costs one timeout per run, not one per order.
 */
export async function returnStuckOrders(
  ctx: PortalContext,
  smdp: Smdp,
  { pageSize = PAGE_SIZE, olderThanMs = STUCK_ORDER_MS }: { pageSize?: number; olderThanMs?: number } = {},
): Promise<StuckOrders> {
  const before = new Date(ctx.clock().getTime() - olderThanMs).toISOString();
  const outcome: StuckOrders = { returned: 0, failed: 0, left: 0 };
  let after = '';
  for (;;) {
    const page = await stuckEsimOrdersPage(ctx.store.db, { before, after, limit: pageSize });
    for (const profile of page) {
      const now = ctx.clock().toISOString();
      if (!(await claimStuckEsimOrder(ctx.store.db, profile.iccid, profile.updated_at, now))) continue;
      try {
        await smdp.cancelOrder(cancelOrderOf(profile));
      } catch (error) {
        if (refusesIccid(error)) {
          await takeOutOfStock(ctx, profile, error);
          outcome.failed++;
          continue;
        }
        const noOrder = error instanceof SmdpError && error.statusName === 'iccidInvalidTransition';
        if (!noOrder) {
          outcome.left++;
          ctx.log.warn(
            { iccid: profile.iccid, code: (error as SmdpError).code },
            'stuck eSIM order not cancelled at the SM-DP+; the next run tries again',
          );
          if (
            !(error instanceof SmdpError) ||
            error.outcomeUnknown ||
            error.code === 'MBPROV_SMDP_UNAVAILABLE'
          )
            return logged(ctx, outcome);
          continue;
        }
      }
      if (await returnEsimProfile(ctx.store.db, profile.iccid, ['ordering'], now)) outcome.returned++;
    }
    const last = page.at(-1);
    if (!last || page.length < pageSize) return logged(ctx, outcome);
    after = last.iccid;
  }
}

/** Logs what a run did when it did anything, and answers it. */
function logged(ctx: PortalContext, outcome: StuckOrders): StuckOrders {
  if (outcome.returned + outcome.failed + outcome.left > 0)
    ctx.log.info(outcome, 'stuck eSIM orders taken back');
  return outcome;
}
