import type { Insertable, Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { Plan } from './plans.ts';
import type { SubscriptionTable } from './schema.ts';
import type { Subscriber } from './subscribers.ts';

/** A plan period of a subscriber. */
export type Subscription = Selectable<SubscriptionTable>;

/**
 * The time of the usage a subscription holds: the later of billing's last report and the last Wi-Fi accounting
 * record, what the documents carry as UsageTimestamp and the refresh compares.
 */
export function usageTimeOf(subscription: Pick<Subscription, 'usage_at' | 'wifi_usage_at'>): string | null {
  const { usage_at: billing, wifi_usage_at: wifi } = subscription;
  return wifi !== null && (billing === null || wifi > billing) ? wifi : billing;
}

/** A subscription by its id. */
export async function subscriptionById(db: Db, id: string): Promise<Subscription | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

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

/** An active subscription with its subscriber and plan. */
export interface ActivePlan {
  subscription: Subscription;
  subscriber: Subscriber;
  plan: Plan;
}

/**
 * The next `limit` active subscriptions after subscriber `after`, by subscriber id, each with its subscriber and
 * plan, in one statement: a page of document regeneration. Keyset pagination through the partial unique index
 * subscriptions_one_active (one active subscription per subscriber), so every page costs the same.
 */
export async function activeSubscriptionsPage(db: Db, after: string, limit: number): Promise<ActivePlan[]> {
  const rows = await db
    .selectFrom('subscriptions as s')
    .innerJoin('subscribers as u', 'u.id', 's.subscriber_id')
    .innerJoin('plans as p', 'p.id', 's.plan_id')
    .select([
      's.id',
      's.subscriber_id',
      's.plan_id',
      's.status',
      's.starts_at',
      's.ends_at',
      's.data_limit_mb',
      's.usage_mb',
      's.usage_at',
      's.wifi_octets',
      's.wifi_usage_at',
      's.checkout_id',
      's.created_at',
      'u.sim_id',
      'u.iccid',
      'u.imsi',
      'u.min',
      'u.device_id',
      'u.refresh_user',
      'u.refresh_password_hash',
      'u.credential_version',
      'u.created_at as subscriber_created_at',
      'u.updated_at as subscriber_updated_at',
      'u.status as subscriber_status',
      'u.eid',
      'p.name',
      'p.name_ja',
      'p.plan_type',
      'p.data_limit_mb as plan_data_limit_mb',
      'p.duration_days',
      'p.bandwidth_kbps',
      'p.price_minor',
      'p.currency',
      'p.status as plan_status',
      'p.updated_at as plan_updated_at',
      'p.kind as plan_kind',
    ])
    .where('s.status', '=', 'active')
    .where('s.subscriber_id', '>', after)
    // The same bound on the join's other side: PostgreSQL does not carry a range across an equality, and its merge
    // join read the subscribers from the first one on every page (2.4 s per page at 1 million; EXPLAIN).
    .where('u.id', '>', after)
    .orderBy('s.subscriber_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    subscription: {
      id: r.id,
      subscriber_id: r.subscriber_id,
      plan_id: r.plan_id,
      status: r.status,
      starts_at: r.starts_at,
      ends_at: r.ends_at,
      data_limit_mb: r.data_limit_mb,
      usage_mb: r.usage_mb,
      usage_at: r.usage_at,
      wifi_octets: r.wifi_octets,
      wifi_usage_at: r.wifi_usage_at,
      checkout_id: r.checkout_id,
      created_at: r.created_at,
    },
    subscriber: {
      id: r.subscriber_id,
      sim_id: r.sim_id,
      iccid: r.iccid,
      imsi: r.imsi,
      min: r.min,
      device_id: r.device_id,
      refresh_user: r.refresh_user,
      refresh_password_hash: r.refresh_password_hash,
      credential_version: r.credential_version,
      created_at: r.subscriber_created_at,
      updated_at: r.subscriber_updated_at,
      status: r.subscriber_status,
      eid: r.eid,
    },
    plan: {
      id: r.plan_id,
      name: r.name,
      name_ja: r.name_ja,
      plan_type: r.plan_type,
      data_limit_mb: r.plan_data_limit_mb,
      duration_days: r.duration_days,
      bandwidth_kbps: r.bandwidth_kbps,
      price_minor: r.price_minor,
      currency: r.currency,
      status: r.plan_status,
      updated_at: r.plan_updated_at,
      kind: r.plan_kind,
    },
  }));
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
 * Marks up to `limit` active subscriptions past their end as expired, those that ended first first; returns their
 * subscribers (whose network sessions then end: hotspot/disconnect.ts). Ordered and bounded, the statement walks subscriptions_active_ends from its start and stops: PostgreSQL
 * estimates `ends_at <= now` from every subscription's end, most of them history long past, and would read the
 * whole table for an unbounded sweep that finds none.
 */
export async function expireEndedBatch(db: Db, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .updateTable('subscriptions')
    .set({ status: 'expired' })
    .where('status', '=', 'active')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('subscriptions')
        .select('id')
        .where('status', '=', 'active')
        .where('ends_at', '<=', now)
        .orderBy('ends_at')
        .limit(limit),
    )
    .returning('subscriber_id')
    .execute();
  return rows.map((r) => r.subscriber_id);
}

/**
 * Stores a subscription. A second active one for its subscriber, or a second one for its checkout, is a unique
 * violation (Store.isUniqueViolation): a concurrent activation stored it first.
 */
export async function insertSubscription(db: Db, subscription: Insertable<SubscriptionTable>): Promise<void> {
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
