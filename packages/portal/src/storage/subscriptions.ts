import type { Db } from './database.ts';
import type { SubscriptionTable } from './schema.ts';

/** A plan period of a subscriber. */
export type Subscription = SubscriptionTable;

/** The most recent subscription of a subscriber, whatever its status. */
export async function latestSubscription(db: Db, subscriberId: string): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Every subscription of a subscriber, newest first. */
export async function subscriptionsOf(db: Db, subscriberId: string): Promise<Subscription[]> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** The active subscription of a subscriber. */
export async function activeSubscription(db: Db, subscriberId: string): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/** Every active subscription (document regeneration signs one document for each). */
export async function activeSubscriptions(db: Db): Promise<Subscription[]> {
  return db.selectFrom('subscriptions').selectAll().where('status', '=', 'active').execute();
}

/** Marks active subscriptions past their end as expired, of one subscriber or of all; returns how many. */
export async function expireEnded(db: Db, subscriberId: string | undefined, now: string): Promise<number> {
  let query = db
    .updateTable('subscriptions')
    .set({ status: 'expired' })
    .where('status', '=', 'active')
    .where('ends_at', '<=', now);
  if (subscriberId) query = query.where('subscriber_id', '=', subscriberId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Stores a subscription. A second active one for its subscriber, or a second one for its checkout, is a unique
 * violation (Store.isUniqueViolation): a concurrent activation stored it first.
 */
export async function insertSubscription(db: Db, subscription: Subscription): Promise<void> {
  await db.insertInto('subscriptions').values(subscription).execute();
}

/** Gives a subscription a new end and data limit (a purchase extends the active plan). */
export async function extendSubscription(
  db: Db,
  id: string,
  change: Pick<Subscription, 'ends_at' | 'data_limit_mb'>,
): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ ends_at: change.ends_at, data_limit_mb: change.data_limit_mb })
    .where('id', '=', id)
    .execute();
}

/** Ends a subscription now because a purchase replaces it. */
export async function markReplaced(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable('subscriptions')
    .set({ status: 'replaced', ends_at: now })
    .where('id', '=', id)
    .execute();
}
