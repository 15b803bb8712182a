import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, DocumentTable, SubscriberTable, SubscriptionTable } from './schema.ts';

export type Subscriber = Selectable<SubscriberTable>;
export type Subscription = SubscriptionTable;
export type StoredDocument = Omit<DocumentTable, 'seq'>;

/** The subscriber of a SIM, if it reached the portal before. */
export async function subscriberByIccid(
  db: Kysely<Database>,
  iccid: string,
): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('iccid', '=', iccid).executeTakeFirst();
}

/** The subscriber of an inventory row (sims.id), if it reached the portal before. */
export async function subscriberBySim(db: Kysely<Database>, simId: string): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('sim_id', '=', simId).executeTakeFirst();
}

/** The subscriber whose RefreshURL user name this is. */
export async function subscriberByRefreshUser(
  db: Kysely<Database>,
  user: string,
): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('refresh_user', '=', user).executeTakeFirst();
}

/** A subscriber by id. */
export async function subscriberById(db: Kysely<Database>, id: string): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates the subscriber of a SIM unless another request just did; returns the stored one. */
export async function ensureSubscriber(
  db: Kysely<Database>,
  row: Insertable<SubscriberTable>,
): Promise<Subscriber> {
  await db
    .insertInto('subscribers')
    .values(row)
    .onConflict((c) => c.column('sim_id').doNothing())
    .execute();
  return (await subscriberBySim(db, row.sim_id)) as Subscriber;
}

/** The most recent subscription of a subscriber, whatever its status. */
export async function latestSubscription(
  db: Kysely<Database>,
  subscriberId: string,
): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** The active subscription of a subscriber. */
export async function activeSubscription(
  db: Kysely<Database>,
  subscriberId: string,
): Promise<Subscription | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/** Marks active subscriptions past their end as expired; returns how many. */
export async function expireEnded(
  db: Kysely<Database>,
  subscriberId: string | undefined,
  now: string,
): Promise<number> {
  let query = db
    .updateTable('subscriptions')
    .set({ status: 'expired' })
    .where('status', '=', 'active')
    .where('ends_at', '<=', now);
  if (subscriberId) query = query.where('subscriber_id', '=', subscriberId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The newest document of a subscriber, or of one kind (full: profiles and provisioning, what the completion page hands over). */
export async function latestDocument(
  db: Kysely<Database>,
  subscriberId: string,
  kind?: 'full' | 'usage',
): Promise<StoredDocument | undefined> {
  let query = db
    .selectFrom('documents')
    .select(['id', 'subscriber_id', 'version', 'kind', 'etag', 'xml_encrypted', 'created_at', 'usage_at'])
    .where('subscriber_id', '=', subscriberId);
  if (kind) query = query.where('kind', '=', kind);
  return query.orderBy('version', 'desc').executeTakeFirst();
}

/** The newest full document of a subscriber. */
export function latestFullDocument(
  db: Kysely<Database>,
  subscriberId: string,
): Promise<StoredDocument | undefined> {
  return latestDocument(db, subscriberId, 'full');
}
