import type { Db } from './database.ts';
import type { TestPaymentTable } from './schema.ts';

/** The test payment service's record of one payment. */
export type TestPayment = TestPaymentTable;

/** A payment's state in the test service; `expired` is an open payment whose time ran out (the API says canceled). */
export type TestPaymentStatus = 'open' | 'captured' | 'canceled' | 'expired' | 'refunded';

/** A payment by its id. */
export async function findTestPayment(db: Db, id: string): Promise<TestPayment | undefined> {
  return db.selectFrom('test_payments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The payment of a checkout, if one was created. */
export async function findTestPaymentByCheckout(
  db: Db,
  checkoutId: string,
): Promise<TestPayment | undefined> {
  return db.selectFrom('test_payments').selectAll().where('checkout_id', '=', checkoutId).executeTakeFirst();
}

/**
 * Stores a new payment unless one exists for its checkout; answers the stored one, so that concurrent requests with
 * one idempotency key agree on one payment (the caller compares request hashes).
 */
export async function createTestPayment(db: Db, payment: TestPayment): Promise<TestPayment> {
  await db
    .insertInto('test_payments')
    .values(payment)
    .onConflict((c) => c.column('checkout_id').doNothing())
    .execute();
  return (await findTestPaymentByCheckout(db, payment.checkout_id)) as TestPayment;
}

/**
 * Moves a payment from `from` to `to` in one conditional update, with the capture's details when capturing; an open
 * payment is only captured before its expiry. Answers whether this call made the change (false: the payment was no
 * longer in `from`, or had expired), so that two concurrent calls never both succeed.
 */
export async function changeTestPaymentStatus(
  db: Db,
  id: string,
  change: {
    from: TestPaymentStatus;
    to: TestPaymentStatus;
    now: string;
    capture?: { reference: string; brand: string; last4: string };
  },
): Promise<boolean> {
  const result = await db
    .updateTable('test_payments')
    .set({
      status: change.to,
      updated_at: change.now,
      ...(change.capture
        ? {
            reference: change.capture.reference,
            method_brand: change.capture.brand,
            method_last4: change.capture.last4,
          }
        : {}),
    })
    .where('id', '=', id)
    .where('status', '=', change.from)
    .$if(change.to === 'captured', (q) => q.where('expires_at', '>', change.now))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Deletes up to `limit` payments last changed before `before` (ISO 8601), through the updated_at index; answers how
 * many. A periodic sweep calls it until it deletes fewer than `limit`, so that the table does not grow forever; a
 * payment deleted can no longer be looked up or refunded, so the retention must outlast every checkout's handling.
 */
export async function deleteTestPaymentsBefore(db: Db, before: string, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('test_payments')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('test_payments as old')
        .select('old.id')
        .where('old.updated_at', '<', before)
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * How many payments the test service has captured (refunded ones included: they were charged first) and how many it
 * refunded: what tests compare before and after a purchase.
 */
export async function countTestPayments(db: Db): Promise<{ charges: number; refunds: number }> {
  const rows = await db
    .selectFrom('test_payments')
    .select((eb) => ['status', eb.fn.countAll().as('n')])
    .groupBy('status')
    .execute();
  const count = (status: TestPaymentStatus) => Number(rows.find((r) => r.status === status)?.n ?? 0);
  return { charges: count('captured') + count('refunded'), refunds: count('refunded') };
}
