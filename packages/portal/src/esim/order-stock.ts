/**
 * What becomes of a profile whose order did not finish: the ES2+ CancelOrder that ends it at the SM-DP+, and taking it
 * out of stock when the SM-DP+ refuses its ICCID. Shared by a failed order (esim-orders.ts) and the job that takes
 * back orders a crash left (stuck-orders.ts).
 */
import type { PortalContext } from '../context.ts';
import { advanceEsimProfile, type EsimProfile } from '../storage/esim-profiles.ts';
import type { Smdp } from './smdp.ts';
import { SmdpError } from './smdp-error.ts';

/** The CancelOrder that ends the profile's order at the SM-DP+ and makes the profile Available there again. */
export function cancelOrderOf(profile: EsimProfile): Parameters<Smdp['cancelOrder']>[0] {
  return {
    iccid: profile.iccid,
    ...(profile.eid ? { eid: profile.eid } : {}),
    ...(profile.matching_id ? { matchingId: profile.matching_id } : {}),
    finalProfileStatusIndicator: 'Available',
  };
}

/**
 * True when the SM-DP+ refused the ICCID itself (unknown to it, or in use: 8.2.1/3.9, 8.2.1/3.3): the inventory and
 * the SM-DP+ disagree, so offering the profile again would fail again.
 */
export function refusesIccid(error: unknown): error is SmdpError {
  return (
    error instanceof SmdpError && (error.statusName === 'iccidUnknown' || error.statusName === 'iccidInUse')
  );
}

/** Marks a profile in `ordering` failed with the SM-DP+'s refusal, for the operator, and logs it. */
export async function takeOutOfStock(
  ctx: PortalContext,
  profile: EsimProfile,
  error: SmdpError,
): Promise<void> {
  await advanceEsimProfile(
    ctx.store.db,
    profile.iccid,
    'failed',
    ['ordering'],
    ctx.clock().toISOString(),
    error.message,
  );
  ctx.log.error({ iccid: profile.iccid, code: error.code }, 'eSIM profile taken out of stock');
}
