import type { Insertable, Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { VoucherTable } from './schema.ts';

/** A voucher the operator issued. */
export type Voucher = Selectable<VoucherTable>;

/** Stores a batch of vouchers (their codes only as keyed hashes). */
export async function insertVouchers(db: Db, vouchers: Insertable<VoucherTable>[]): Promise<void> {
  // Small chunks: SQLite allows 32766 parameters per statement, and a batch may hold thousands.
  for (let i = 0; i < vouchers.length; i += 500)
    await db
      .insertInto('vouchers')
      .values(vouchers.slice(i, i + 500))
      .execute();
}

/** A voucher by the keyed hash of its code (Secrets.voucherCodeId). */
export async function voucherByCodeId(db: Db, codeId: string): Promise<Voucher | undefined> {
  return db.selectFrom('vouchers').selectAll().where('code_id', '=', codeId).executeTakeFirst();
}

/**
 * Marks a voucher used by a subscriber's checkout if it is still unused and unexpired at `now`; false when another
 * redemption took it first or it expired (single use, whatever races).
 */
export async function claimVoucher(
  db: Db,
  id: string,
  claim: { subscriberId: string; checkoutId: string; now: string },
): Promise<boolean> {
  const r = await db
    .updateTable('vouchers')
    .set({ redeemed_at: claim.now, subscriber_id: claim.subscriberId, checkout_id: claim.checkoutId })
    .where('id', '=', id)
    .where('redeemed_at', 'is', null)
    .where('expires_at', '>', claim.now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Makes the voucher a checkout used redeemable again: its plan could not be activated (another purchase won the
 * race, or the checkout expired unfinished), which for a payment would be a refund.
 */
export async function releaseVoucher(db: Db, checkoutId: string): Promise<void> {
  await db
    .updateTable('vouchers')
    .set({ redeemed_at: null, subscriber_id: null, checkout_id: null })
    .where('checkout_id', '=', checkoutId)
    .execute();
}
