import type { Config } from '../config/schema.ts';
import type { EsimOrder } from '../esim/orders.ts';
import type { MobilePlansContext } from './launch-context.ts';

/**
 * The purchase metadata the page hands the Mobile Plans app, by the property names of the host's enumerations
 * (MobilePlansUserAccount.new, MobilePlansMoDirectStatus.complete…): mobile-plans.js turns each into the host's value.
 */
export interface PurchaseMetadata {
  userAccount: 'new' | 'existing' | 'bailed' | 'none';
  purchaseInstrument: 'new' | 'existing' | 'bailed' | 'none';
  line: 'new' | 'existing' | 'bailed' | 'none';
  moDirectStatus: 'complete' | 'cancelled' | 'serviceError' | 'invalidSim' | 'clientError';
  /** The plan bought; empty unless the purchase completed (the documentation requires both). */
  planName: string;
  /** The launch's transactionId, echoed in every notification. */
  transactionId?: string;
}

/** Which host call ends the flow, with its arguments besides the metadata. */
export type MobilePlansNotification =
  /** MobilePlansInlineOperations.notifyProfileDownload(metadata, code[, delayMinutes]). */
  | { operation: 'profile-download'; activationCode: string; iccid: string; delayMinutes?: number }
  /** MobilePlans.notifyPurchaseWithProfileDownload(metadata, code, networkRegistrationMinutes). */
  | {
      operation: 'purchase-with-profile-download';
      activationCode: string;
      iccid: string;
      networkRegistrationMinutes: number;
    }
  /** MobilePlansInlineOperations.notifyBalanceAddition(metadata[, iccid]). */
  | { operation: 'balance-addition'; iccid?: string }
  /** MobilePlans.notifyCancelledPurchase(metadata). */
  | { operation: 'cancelled-purchase' };

/**
 * How a paid Mobile Plans purchase is reported (docs/mobile-plans.md, "Callbacks"): a new eSIM line downloads the
 * ordered profile in the configured form (inline, delayed, or with delayed connectivity); a physical SIM, which is in
 * the PC already, adds balance without an ICCID; a profile already on the eSIM adds balance with its ICCID, which the
 * app then makes the active profile.
 */
export function purchaseNotification(
  config: Config['mobilePlans'],
  context: MobilePlansContext,
  order: EsimOrder | undefined,
): MobilePlansNotification {
  if (context.kind === 'physical') return { operation: 'balance-addition' };
  if (context.iccid) return { operation: 'balance-addition', iccid: context.iccid };
  if (!order) throw new Error('a new eSIM line needs its profile order');
  const { activationCode, iccid } = order;
  switch (config.esimDelivery) {
    case 'inline':
      return { operation: 'profile-download', activationCode, iccid };
    case 'delayed':
      return {
        operation: 'profile-download',
        activationCode,
        iccid,
        delayMinutes: config.downloadDelayMinutes,
      };
    case 'async':
      return {
        operation: 'purchase-with-profile-download',
        activationCode,
        iccid,
        networkRegistrationMinutes: config.networkRegistrationMinutes,
      };
  }
}

/**
 * The metadata of a completed purchase: a new account when this is the subscriber's first plan, a new purchase
 * instrument when a card was typed on the provider's page (operator billing charges the existing account), a new
 * line when a profile is downloaded.
 */
export function completedMetadata(input: {
  firstPlan: boolean;
  chargedToAccount: boolean;
  notification: MobilePlansNotification;
  planName: string;
  transactionId: string | undefined;
}): PurchaseMetadata {
  const newLine =
    input.notification.operation === 'profile-download' ||
    input.notification.operation === 'purchase-with-profile-download';
  return {
    userAccount: input.firstPlan ? 'new' : 'existing',
    purchaseInstrument: input.chargedToAccount ? 'existing' : 'new',
    line: newLine ? 'new' : 'existing',
    moDirectStatus: 'complete',
    planName: input.planName,
    ...(input.transactionId ? { transactionId: input.transactionId } : {}),
  };
}

/** Why a flow ends without a purchase, as the cancel page reports it (MobilePlansMoDirectStatus). */
export type CancelReason = 'cancelled' | 'clientError' | 'invalidSim' | 'serviceError';

/**
 * The metadata of a flow the customer left, or that could not start: nothing bought, the plan name empty; the
 * account and payment steps not reached, the flow ended at the line (as the documentation's cancel example has it).
 */
export function cancelledMetadata(reason: CancelReason, transactionId: string | undefined): PurchaseMetadata {
  return {
    userAccount: 'none',
    purchaseInstrument: 'none',
    line: 'bailed',
    moDirectStatus: reason,
    planName: '',
    ...(transactionId ? { transactionId } : {}),
  };
}
