import type { Db } from './database.ts';
import type { TestPaymentChargeTable } from './schema.ts';

/** The test provider's record of one capture attempt. */
export type TestPaymentCharge = TestPaymentChargeTable;

/** The test provider's answer for an idempotency key, if it gave one. */
export async function findTestCharge(db: Db, idempotencyKey: string): Promise<TestPaymentCharge | undefined> {
  return db
    .selectFrom('test_payment_charges')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
}

/**
 * Records the test provider's answer for an idempotency key unless another request recorded one first; returns the
 * stored answer, so that concurrent captures with one key agree on one charge.
 */
export async function recordTestCharge(db: Db, charge: TestPaymentCharge): Promise<TestPaymentCharge> {
  await db
    .insertInto('test_payment_charges')
    .values(charge)
    .onConflict((c) => c.column('idempotency_key').doNothing())
    .execute();
  return (await findTestCharge(db, charge.idempotency_key)) as TestPaymentCharge;
}

/** Marks a captured test charge refunded (a repeated refund changes nothing). */
export async function refundTestCharge(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable('test_payment_charges')
    .set({ status: 'refunded', updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'captured')
    .execute();
}

/** How many test charges were captured (refunded ones included) and how many of them were refunded. */
export async function countTestCharges(db: Db): Promise<{ charges: number; refunds: number }> {
  const rows = await db
    .selectFrom('test_payment_charges')
    .select((eb) => ['status', eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { charges: count('captured') + count('refunded'), refunds: count('refunded') };
}
