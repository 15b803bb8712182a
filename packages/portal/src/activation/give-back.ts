import type { PortalContext } from '../context.ts';
import type { Checkout } from '../storage/checkouts.ts';
import { releaseVoucher } from '../storage/vouchers.ts';

/** The payment provider name of the checkouts vouchers pay: nothing to ask, cancel or refund at a provider. */
export const VOUCHER_PROVIDER = 'voucher';

/**
 * Gives a capture back: the provider refunds a payment; a voucher's checkout makes its voucher redeemable again.
 * Both are idempotent.
 */
export async function giveBack(ctx: PortalContext, checkout: Checkout, reference: string): Promise<void> {
  if (checkout.payment_provider === VOUCHER_PROVIDER) await releaseVoucher(ctx.store.db, checkout.id);
  else await ctx.payments.refund({ checkoutId: checkout.id, reference });
}
