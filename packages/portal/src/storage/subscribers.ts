import type { Insertable, Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { SubscriberTable } from './schema.ts';

/** A SIM that reached the portal, or a Wi-Fi-only customer (no SIM), with its RefreshURL credentials. */
export type Subscriber = Selectable<SubscriberTable>;

/** A subscriber row to store. */
export type NewSubscriber = Insertable<SubscriberTable>;

/** The subscriber of a SIM, if it reached the portal before. */
export async function subscriberByIccid(db: Db, iccid: string): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('iccid', '=', iccid).executeTakeFirst();
}

/** The subscriber of an inventory row (sims.id), if it reached the portal before. */
export async function subscriberBySim(db: Db, simId: string): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('sim_id', '=', simId).executeTakeFirst();
}

/** The subscriber whose RefreshURL user name this is. */
export async function subscriberByRefreshUser(db: Db, user: string): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('refresh_user', '=', user).executeTakeFirst();
}

/** A subscriber by id. */
export async function subscriberById(db: Db, id: string): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Creates the subscriber of a SIM unless another request just did; returns the stored one. */
export async function ensureSubscriber(
  db: Db,
  row: Insertable<SubscriberTable> & { sim_id: string },
): Promise<Subscriber> {
  await db
    .insertInto('subscribers')
    .values(row)
    .onConflict((c) => c.column('sim_id').doNothing())
    .execute();
  return (await subscriberBySim(db, row.sim_id)) as Subscriber;
}

/** Records the device a subscriber's SIM was last seen in (its DevId). */
export async function recordDevice(db: Db, id: string, deviceId: string, now: string): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ device_id: deviceId, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Suspends or resumes a subscriber; false when there is no such subscriber. */
export async function setSubscriberStatus(
  db: Db,
  id: string,
  status: 'active' | 'suspended',
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('subscribers')
    .set({ status, updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Stores a new subscriber without a SIM (a Wi-Fi-only customer's). */
export async function insertSubscriber(db: Db, row: NewSubscriber): Promise<void> {
  await db.insertInto('subscribers').values(row).execute();
}

/** The subscriber a Mobile Plans eSIM was first known by, by its EID. */
export async function subscriberByEid(db: Db, eid: string): Promise<Subscriber | undefined> {
  return db.selectFrom('subscribers').selectAll().where('eid', '=', eid).executeTakeFirst();
}

/** Creates the subscriber of an EID unless another request just did (one per EID); returns the stored one. */
export async function ensureEidSubscriber(
  db: Db,
  row: Insertable<SubscriberTable> & { eid: string },
): Promise<Subscriber> {
  await db
    .insertInto('subscribers')
    .values(row)
    .onConflict((c) => c.column('eid').doNothing())
    .execute();
  return (await subscriberByEid(db, row.eid)) as Subscriber;
}
