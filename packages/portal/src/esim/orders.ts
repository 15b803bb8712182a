/**
 * What the portal asks of its eSIM back end once a Mobile Plans purchase for an eSIM is paid: a profile from the
 * inventory, ordered at the SM-DP+ for the device's EID, and the activation code the Mobile Plans app downloads it
 * with. The ES2+ implementation (an SM-DP+ client) lives beside this file; the portal holds one in its context when
 * `esim` is configured (docs/mobile-plans.md).
 */

/** A profile ordered for one eSIM: what the page hands to the Mobile Plans app. */
export interface EsimOrder {
  /** The ICCID of the ordered profile (19 or 20 digits, no trailing F). */
  iccid: string;
  /** The activation code, `1$<SM-DP+ address>$<matching ID>` (SGP.22 4.1; no `LPA:` prefix outside QR codes). */
  activationCode: string;
}

/** Orders and cancels eSIM profiles for subscribers. */
export interface EsimOrders {
  /**
   * Reserves a profile from the inventory for the subscriber, orders it at the SM-DP+ for the EID (ES2+
   * DownloadOrder then ConfirmOrder with release) and answers the activation code. Calling it again for the same
   * subscriber and EID while the order is not downloaded answers the same order (a reload must not burn profiles).
   */
  order(input: { subscriberId: string; eid: string; transactionId?: string }): Promise<EsimOrder>;
  /** Cancels the subscriber's order that was not downloaded (ES2+ CancelOrder), returning the profile to stock. */
  cancel(input: { subscriberId: string; iccid: string; transactionId?: string }): Promise<void>;
  /**
   * Takes back the orders a crash left half done (reserved, never released nor returned) for longer than
   * `olderThanMs` (10 minutes by default): cancels them at the SM-DP+ and returns their profiles to stock
   * (stuck-orders.ts). The periodic job `return-stuck-esim-orders` runs it.
   */
  returnStuck(options?: { pageSize?: number; olderThanMs?: number }): Promise<StuckOrders>;
}

/** What a run of {@link EsimOrders.returnStuck} did. */
export interface StuckOrders {
  /** Profiles returned to stock. */
  returned: number;
  /** Profiles taken out of stock: the SM-DP+ refused their ICCID. */
  failed: number;
  /** Orders left for the next run: the SM-DP+ failed. */
  left: number;
}
