import type { Insertable, Selectable } from 'kysely';
import type { Db } from './database.ts';
import type { AccountTable, SubscriberTable } from './schema.ts';

/** A Wi-Fi-only customer's login. */
export type Account = Selectable<AccountTable>;

/**
 * Creates an account and its subscriber (no SIM) in one transaction; 'exists' when an account has the e-mail
 * already (nothing is written then, whichever of two concurrent sign-ups loses).
 */
export async function createAccount(
  db: Db,
  account: Omit<Insertable<AccountTable>, 'session_epoch'>,
  subscriber: Insertable<SubscriberTable>,
): Promise<'created' | 'exists'> {
  return db.transaction().execute(async (trx) => {
    await trx
      .insertInto('subscribers')
      .values({ ...subscriber, sim_id: null, iccid: null, imsi: null, min: null })
      .execute();
    const inserted = await trx
      .insertInto('accounts')
      .values(account)
      .onConflict((c) => c.column('email_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return 'created';
    await trx
      .deleteFrom('subscribers')
      .where('id', '=', subscriber.id as string)
      .execute();
    return 'exists';
  });
}

/** The account of an e-mail address, by its keyed hash (Secrets.accountEmailId). */
export async function accountByEmailId(db: Db, emailId: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('email_id', '=', emailId).executeTakeFirst();
}

/** An account by id. */
export async function accountById(db: Db, id: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The account of a subscriber, if it has one (a voucher's subscriber may have none). */
export async function accountBySubscriber(db: Db, subscriberId: string): Promise<Account | undefined> {
  return db.selectFrom('accounts').selectAll().where('subscriber_id', '=', subscriberId).executeTakeFirst();
}

/** Replaces an account's password hash (a login rehashing at a higher cost). */
export async function setPasswordHash(db: Db, id: string, passwordHash: string, now: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Ends every login session of an account (they carry the old epoch). */
export async function endSessions(db: Db, id: string, now: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({ session_epoch: eb('session_epoch', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .execute();
}
