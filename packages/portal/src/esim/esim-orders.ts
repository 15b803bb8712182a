import { buildActivationCode, MbprovError } from '@mbprov/core';
import type { PortalContext } from '../context.ts';
import { EID } from '../identifiers/eid.ts';
import {
  type EsimProfile,
  esimProfileByIccid,
  lockSubscriberOrders,
  markEsimReleased,
  reserveEsimProfile,
  returnEsimProfile,
  undownloadedOrder,
} from '../storage/esim-profiles.ts';
import { subscriberById } from '../storage/subscribers.ts';
import { cancelOrderOf, refusesIccid, takeOutOfStock } from './order-stock.ts';
import type { EsimOrder, EsimOrders } from './orders.ts';
import type { Smdp } from './smdp.ts';
import { SmdpError } from './smdp-error.ts';
import { returnStuckOrders } from './stuck-orders.ts';

const TRANSACTION_ID = /^[\x21-\x7e]{1,64}$/;

/** The order answered to the page: the ICCID and the Activation Code of a released profile. */
function orderOf(profile: EsimProfile): EsimOrder {
  return {
    iccid: profile.iccid,
    activationCode: buildActivationCode({
      smdpAddress: profile.smdp_address as string,
      matchingId: profile.matching_id as string,
    }),
  };
}

/** Refuses an EID or transactionId that could not be stored or sent. */
function checkOrderInput(eid: string, transactionId: string | undefined): void {
  if (!EID.test(eid)) throw new MbprovError('MBPROV_ESIM_ORDER_INVALID', 'The EID must be 32 digits.');
  if (transactionId !== undefined && !TRANSACTION_ID.test(transactionId))
    throw new MbprovError(
      'MBPROV_ESIM_ORDER_INVALID',
      'The transactionId must be 1 to 64 printable characters without spaces.',
    );
}

/**
 * The portal's eSIM orders through an SM-DP+ (docs/mobile-plans.md). An order takes an available profile of the
 * inventory in one transaction (concurrent orders never share one: storage/esim-profiles.ts), then, outside any
 * transaction, orders it at the SM-DP+ for the EID (DownloadOrder) and releases it with a matching ID the SM-DP+
 * generates (ConfirmOrder, releaseFlag true), and stores it as released. The same subscriber and EID ordering again
 * before the download get the same order. When the SM-DP+ fails, the profile goes back to stock (after a CancelOrder
 * when the SM-DP+ may hold it: DownloadOrder succeeded or its outcome is unknown), except when the SM-DP+ refuses the
 * ICCID itself (unknown to it, or in use: 8.2.1/3.9, 8.2.1/3.3): the inventory and the SM-DP+ disagree, so the
 * profile is marked failed for the operator instead of being offered again; the SM-DP+'s error is raised.
 */
export function createEsimOrders(ctx: PortalContext, smdp: Smdp): EsimOrders {
  const settings = ctx.config.esim;
  if (!settings) throw new MbprovError('MBPROV_CONFIG_INVALID', 'eSIM orders need the esim configuration');
  const now = () => ctx.clock().toISOString();

  /** Undoes a reservation after a failed ES2+ call; never throws (the call's own error is what the caller sees). */
  const giveBack = async (profile: EsimProfile, error: unknown, smdpMayHoldIt: boolean) => {
    try {
      if (refusesIccid(error)) return await takeOutOfStock(ctx, profile, error);
      if (smdpMayHoldIt)
        await smdp
          .cancelOrder(cancelOrderOf(profile))
          .catch((cancelError: unknown) =>
            ctx.log.warn(
              { iccid: profile.iccid, code: (cancelError as MbprovError).code },
              'eSIM order not cancelled at the SM-DP+ after a failure',
            ),
          );
      await returnEsimProfile(ctx.store.db, profile.iccid, ['ordering'], now());
    } catch (undo) {
      ctx.log.error(
        { iccid: profile.iccid, err: { message: (undo as Error).message } },
        'eSIM order not undone',
      );
    }
  };

  return {
    async order({ subscriberId, eid, transactionId }) {
      checkOrderInput(eid, transactionId);
      const taken = await ctx.store.transaction(async (tx) => {
        if (!(await subscriberById(tx, subscriberId)))
          throw new MbprovError('MBPROV_NOT_FOUND', 'No such subscriber.');
        await lockSubscriberOrders(tx, subscriberId);
        const existing = await undownloadedOrder(tx, subscriberId, eid);
        if (existing?.state === 'released') return { again: true, profile: existing };
        if (existing)
          throw new MbprovError(
            'MBPROV_ESIM_ORDER_STATE',
            'The eSIM profile is being ordered; try again shortly.',
          );
        const at = now();
        const reserved = await reserveEsimProfile(
          tx,
          { subscriberId, eid, ...(transactionId ? { transactionId } : {}) },
          at,
        );
        if (!reserved) throw new MbprovError('MBPROV_ESIM_NO_PROFILE', 'No eSIM profile is available.');
        return { again: false, profile: reserved };
      });
      const { again, profile } = taken;
      if (again) return orderOf(profile);
      let ordered = false;
      try {
        await smdp.downloadOrder({ eid, iccid: profile.iccid });
        ordered = true;
        const confirmed = await smdp.confirmOrder({ iccid: profile.iccid, eid, releaseFlag: true });
        const smdpAddress = confirmed.smdpAddress ?? settings.smdpAddress;
        const order = orderOf({ ...profile, smdp_address: smdpAddress, matching_id: confirmed.matchingId });
        await markEsimReleased(
          ctx.store.db,
          profile.iccid,
          { matchingId: confirmed.matchingId, smdpAddress },
          now(),
        );
        return order;
      } catch (error) {
        const unknown = error instanceof SmdpError ? error.outcomeUnknown : true;
        await giveBack(profile, error, ordered || unknown);
        throw error;
      }
    },

    async cancel({ subscriberId, iccid }) {
      const profile = await esimProfileByIccid(ctx.store.db, iccid);
      if (!profile || profile.subscriber_id !== subscriberId)
        throw new MbprovError('MBPROV_ESIM_ORDER_STATE', "This eSIM profile is not the subscriber's order.");
      if (profile.state !== 'released')
        throw new MbprovError(
          'MBPROV_ESIM_ORDER_STATE',
          profile.state === 'ordering'
            ? 'The eSIM profile is being ordered; try again shortly.'
            : 'The eSIM profile was downloaded already; it cannot be cancelled.',
        );
      await smdp.cancelOrder(cancelOrderOf(profile));
      await returnEsimProfile(ctx.store.db, iccid, ['released'], now());
    },

    returnStuck: (options) => returnStuckOrders(ctx, smdp, options),
  };
}
