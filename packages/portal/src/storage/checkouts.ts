import type { Updateable } from 'kysely';
import type { Db } from './database.ts';
import type { CheckoutTable } from './schema.ts';

/** A purchase, from the posted form to its end (CheckoutTable says what each field holds). */
export type Checkout = CheckoutTable;

/** The states of a checkout (CheckoutTable.status says what each means). */
export type CheckoutStatus =
  | 'pending'
  | 'captured'
  | 'expiring'
  | 'completed'
  | 'declined'
  | 'canceled'
  | 'refunded'
  | 'superseded'
  | 'expired';

/** A checkout by its id (the idempotency key). */
export async function getCheckout(db: Db, id: string): Promise<Checkout | undefined> {
  return db.selectFrom('checkouts').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A checkout read inside a transaction, its row locked until the transaction ends, so that the expiry sweep cannot
 * cancel it between this read and the activation's commit (on SQLite the write transaction serializes instead).
 */
export async function getCheckoutLocked(tx: Db, id: string): Promise<Checkout | undefined> {
  return tx.selectFrom('checkouts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Serializes the checkouts of one subscriber for the rest of the transaction (its subscriber row locked). */
export async function lockSubscriberCheckouts(tx: Db, subscriberId: string): Promise<void> {
  await tx.selectFrom('subscribers').select('id').where('id', '=', subscriberId).forUpdate().execute();
}

/** A checkout to store: the posted form's id, subscriber and client, its plan and price fixed. */
export interface NewCheckout {
  id: string;
  subscriberId: string;
  planId: string;
  amountMinor: number;
  currency: string;
  clientKey: string;
  orderNumber: string;
  /** The receipt's address, encrypted (Secrets.encrypt), when the customer asked for the receipt by e-mail. */
  receiptEmailEncrypted: string | null;
  /** The language of the plans page (the receipt e-mail's). */
  lang: string;
  now: string;
}

/** How many checkouts a subscriber and a client may have started since `since`. */
export interface CheckoutLimits {
  since: string;
  maxPerSubscriber: number;
  maxPerClient: number;
}

/**
 * Stores a new pending checkout, unless one with its id exists (a double submit: the first one stands) or its
 * subscriber or client already started their maximum since `limits.since`; then `oldest` is when the oldest of
 * those was created. The subscriber's count is exact (its checkouts are serialized); concurrent posts from one
 * client for different SIMs may pass the client's maximum by the few that run at the same moment, which the
 * per-minute request limit bounds.
 */
export async function insertCheckout(
  db: Db,
  checkout: NewCheckout,
  limits: CheckoutLimits,
): Promise<{ kind: 'stored' | 'exists' } | { kind: 'limited'; oldest: string }> {
  return db.transaction().execute(async (trx) => {
    await lockSubscriberCheckouts(trx, checkout.subscriberId);
    if (await getCheckout(trx, checkout.id)) return { kind: 'exists' as const };
    for (const [column, value, max] of [
      ['subscriber_id', checkout.subscriberId, limits.maxPerSubscriber],
      ['client_key', checkout.clientKey, limits.maxPerClient],
    ] as const) {
      // The limits bound the rows anonymous traffic leaves: a paid checkout is not one of them (a shop or a
      // carrier-grade NAT puts many paying customers behind one address), and the limits' indexes hold only the rest.
      const row = await trx
        .selectFrom('checkouts')
        .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
        .where(column, '=', value)
        .where('created_at', '>', limits.since)
        .where('status', '<>', 'completed' satisfies CheckoutStatus)
        .executeTakeFirst();
      if (Number(row?.n ?? 0) >= max) return { kind: 'limited' as const, oldest: String(row?.oldest) };
    }
    const inserted = await trx
      .insertInto('checkouts')
      .values(pendingRow(checkout))
      .onConflict((c) => c.column('id').doNothing())
      .executeTakeFirst();
    return { kind: Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1 ? 'stored' : 'exists' };
  });
}

/** The row of a new pending checkout. */
function pendingRow(checkout: NewCheckout): CheckoutTable {
  return {
    id: checkout.id,
    subscriber_id: checkout.subscriberId,
    plan_id: checkout.planId,
    amount_minor: checkout.amountMinor,
    currency: checkout.currency,
    status: 'pending' satisfies CheckoutStatus,
    payment_reference: null,
    failure: null,
    subscription_id: null,
    client_key: checkout.clientKey,
    payment_provider: null,
    payment_id: null,
    method_kind: null,
    method_brand: null,
    method_last4: null,
    method_label: null,
    paid_at: null,
    order_number: checkout.orderNumber,
    receipt_email_encrypted: checkout.receiptEmailEncrypted,
    receipt_sent_at: null,
    receipt_claimed_at: null,
    lang: checkout.lang,
    created_at: checkout.now,
    updated_at: checkout.now,
  };
}

/**
 * Stores a checkout paid already, without a payment provider's page (a voucher): captured with `provider` and its
 * `reference`, ready for the activation.
 */
export async function insertPaidCheckout(
  db: Db,
  checkout: NewCheckout,
  payment: { provider: string; reference: string; methodKind: string },
): Promise<void> {
  await db
    .insertInto('checkouts')
    .values({
      ...pendingRow(checkout),
      status: 'captured' satisfies CheckoutStatus,
      payment_provider: payment.provider,
      payment_reference: payment.reference,
      method_kind: payment.methodKind,
      paid_at: checkout.now,
    })
    .execute();
}

/** The ends without a plan: no receipt will be sent, so an address given for one is forgotten at once. */
const ENDED_WITHOUT_PLAN: readonly CheckoutStatus[] = [
  'declined',
  'canceled',
  'refunded',
  'superseded',
  'expired',
];

/**
 * Moves a checkout to `change.status` (with the other fields of `change`) if it is in one of the states `from`;
 * false when it was not, because another request or the expiry sweep moved it first.
 */
async function moveCheckout(
  db: Db,
  id: string,
  from: readonly CheckoutStatus[],
  change: Omit<Updateable<CheckoutTable>, 'id' | 'status' | 'updated_at'> & { status: CheckoutStatus },
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('checkouts')
    .set({
      ...change,
      ...(ENDED_WITHOUT_PLAN.includes(change.status) ? { receipt_email_encrypted: null } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records the payment the provider started for a pending checkout (its id, for status checks and webhooks). A double
 * submit records the same payment again (providers answer one payment per checkout id): harmless.
 */
export async function recordPayment(
  db: Db,
  id: string,
  provider: string,
  paymentId: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('checkouts')
    .set({ payment_provider: provider, payment_id: paymentId, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** pending → declined: the provider refused the payment for good (operator billing refused the account). */
export function markDeclined(db: Db, id: string, reason: string, now: string): Promise<boolean> {
  return moveCheckout(db, id, ['pending'], { status: 'declined', failure: reason }, now);
}

/** pending → canceled: the customer gave up on the provider's page, or the payment expired there. */
export function markCanceled(db: Db, id: string, now: string): Promise<boolean> {
  return moveCheckout(db, id, ['pending'], { status: 'canceled' }, now);
}

/** What a provider's capture says, as the checkout keeps it for refunds and the receipt. */
export interface CaptureRecord {
  reference: string;
  method?: {
    kind: string;
    brand?: string | undefined;
    last4?: string | undefined;
    label?: string | undefined;
  };
}

/** pending → captured: the provider took the payment; false when the checkout had moved on (another report first). */
export function markCaptured(db: Db, id: string, capture: CaptureRecord, now: string): Promise<boolean> {
  return moveCheckout(
    db,
    id,
    ['pending'],
    {
      status: 'captured',
      payment_reference: capture.reference,
      method_kind: capture.method?.kind ?? null,
      method_brand: capture.method?.brand ?? null,
      method_last4: capture.method?.last4 ?? null,
      method_label: capture.method?.label ?? null,
      paid_at: now,
    },
    now,
  );
}

/** pending → superseded before any charge: the active plan makes the purchase impossible (`reason`). */
export function markSuperseded(
  db: Db,
  id: string,
  reason: 'already-active' | 'plan-unavailable',
  now: string,
): Promise<boolean> {
  return moveCheckout(db, id, ['pending'], { status: 'superseded', failure: reason }, now);
}

/** captured → completed with the subscription it activated; false when the checkout was no longer captured. */
export function markCompleted(db: Db, id: string, subscriptionId: string, now: string): Promise<boolean> {
  return moveCheckout(db, id, ['captured'], { status: 'completed', subscription_id: subscriptionId }, now);
}

/**
 * captured → refunded: the payment was given back because the plan could not be activated (`failure`: why, e.g.
 * already-active, or amount-mismatch when the provider took another amount than the checkout's).
 */
export function markRefunded(db: Db, id: string, failure: string, now: string): Promise<boolean> {
  return moveCheckout(db, id, ['captured'], { status: 'refunded', failure }, now);
}

/**
 * declined, canceled or superseded → refunded: a capture reported for a checkout that had ended without one (a
 * delayed payment method that succeeded late) was given back; its reference is kept.
 */
export function markLateCaptureRefunded(
  db: Db,
  id: string,
  reference: string,
  now: string,
): Promise<boolean> {
  return moveCheckout(
    db,
    id,
    ['declined', 'canceled', 'superseded'],
    { status: 'refunded', failure: 'late-capture', payment_reference: reference },
    now,
  );
}

/** pending or captured (`from`) → expiring: the expiry sweep claims it, so that no request activates it any more. */
export function claimForExpiry(
  db: Db,
  id: string,
  from: 'pending' | 'captured',
  now: string,
): Promise<boolean> {
  return moveCheckout(db, id, [from], { status: 'expiring' }, now);
}

/** expiring → expired, with the charge the sweep refunded (if any). */
export function markExpired(db: Db, id: string, refunded: string | null, now: string): Promise<boolean> {
  return moveCheckout(db, id, ['expiring'], { status: 'expired', payment_reference: refunded }, now);
}

/** The checkout that last paid for a subscription (its first purchase, or the latest extension): for receipts. */
export async function latestPaidCheckout(db: Db, subscriptionId: string): Promise<Checkout | undefined> {
  return db
    .selectFrom('checkouts')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .where('status', '=', 'completed' satisfies CheckoutStatus)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Claims the sending of a completed checkout's receipt e-mail for one worker (`receipt_claimed_at`): false when it
 * was sent, has no address, or another worker claimed it after `staleBefore` (a claim older than that belongs to a
 * worker that died while sending).
 */
export async function claimReceipt(db: Db, id: string, now: string, staleBefore: string): Promise<boolean> {
  const result = await db
    .updateTable('checkouts')
    .set({ receipt_claimed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'completed' satisfies CheckoutStatus)
    .where('receipt_sent_at', 'is', null)
    .where('receipt_email_encrypted', 'is not', null)
    .where((eb) => eb.or([eb('receipt_claimed_at', 'is', null), eb('receipt_claimed_at', '<', staleBefore)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives back the claim made at `claimedAt` after a failed send, so that the next try can claim at once. */
export async function releaseReceipt(db: Db, id: string, claimedAt: string): Promise<void> {
  await db
    .updateTable('checkouts')
    .set({ receipt_claimed_at: null })
    .where('id', '=', id)
    .where('receipt_claimed_at', '=', claimedAt)
    .execute();
}

/** The SMTP server accepted the receipt: it is sent (never again) and its address forgotten. */
export async function markReceiptSent(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable('checkouts')
    .set({ receipt_sent_at: now, receipt_email_encrypted: null, receipt_claimed_at: null })
    .where('id', '=', id)
    .execute();
}

/**
 * Forgets the receipt addresses that checkouts last changed before `before` still hold (a completed one whose job gave
 * up; an unfinished one is ended by the expiry sweep long before); returns how many. Only the checkouts holding an
 * address are in the partial index this reads: no condition on the status, which would lead the planner to the
 * status index and every completed checkout.
 */
export async function forgetUnsentReceiptAddresses(db: Db, before: string): Promise<number> {
  const result = await db
    .updateTable('checkouts')
    .set({ receipt_email_encrypted: null, receipt_claimed_at: null })
    .where('receipt_email_encrypted', 'is not', null)
    .where('updated_at', '<', before)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Stores a checkout as given, already ended (the demo's purchase history; live ones start with insertCheckout). */
export async function importCheckout(db: Db, checkout: Checkout): Promise<void> {
  await db.insertInto('checkouts').values(checkout).execute();
}

/**
 * Checkouts for the expiry sweep, oldest first: those still pending or captured that were created before `before`,
 * and those a sweep claimed (expiring) but did not finish, whatever their age.
 */
export async function unfinishedCheckouts(db: Db, before: string, limit: number): Promise<Checkout[]> {
  return (
    db
      .selectFrom('checkouts')
      .selectAll()
      // The first condition is implied by the second; said so that every engine uses checkouts_unfinished, an index of
      // these statuses only.
      .where('status', 'in', ['pending', 'captured', 'expiring'] satisfies CheckoutStatus[])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', 'in', ['pending', 'captured']), eb('created_at', '<', before)]),
          eb('status', '=', 'expiring'),
        ]),
      )
      .orderBy('created_at')
      .limit(limit)
      .execute()
  );
}

/** Deletes the checkouts that ended without any charge before `before`; returns how many. */
export async function deleteEndedWithoutCharge(db: Db, before: string): Promise<number> {
  const result = await db
    .deleteFrom('checkouts')
    .where('status', 'in', ['declined', 'canceled', 'superseded', 'expired'] satisfies CheckoutStatus[])
    .where('payment_reference', 'is', null)
    .where('updated_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
