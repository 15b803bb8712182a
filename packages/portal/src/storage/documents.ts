import type { Db } from './database.ts';
import type { DocumentTable } from './schema.ts';

/** A stored version of a subscriber's document, its XML encrypted. */
export type StoredDocument = Omit<DocumentTable, 'seq'>;

/** The newest document of a subscriber, or of one kind (full: profiles and provisioning, what the completion page hands over). */
export async function latestDocument(
  db: Db,
  subscriberId: string,
  kind?: 'full' | 'usage',
): Promise<StoredDocument | undefined> {
  let query = db
    .selectFrom('documents')
    .select(['id', 'subscriber_id', 'version', 'kind', 'etag', 'xml_encrypted', 'created_at', 'usage_at'])
    .where('subscriber_id', '=', subscriberId);
  if (kind) query = query.where('kind', '=', kind);
  // executeTakeFirst adds no LIMIT: without one every version of the subscriber would be read and dropped.
  return query.orderBy('version', 'desc').limit(1).executeTakeFirst();
}

/** The newest full document of a subscriber. */
export function latestFullDocument(db: Db, subscriberId: string): Promise<StoredDocument | undefined> {
  return latestDocument(db, subscriberId, 'full');
}

/** Stores the next version of a subscriber's document (one more than the newest); returns that version. */
export async function insertNextVersion(db: Db, document: Omit<StoredDocument, 'version'>): Promise<number> {
  const latest = await db
    .selectFrom('documents')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('subscriber_id', '=', document.subscriber_id)
    .executeTakeFirst();
  const version = Number(latest?.v ?? 0) + 1;
  await db
    .insertInto('documents')
    .values({ ...document, version })
    .execute();
  return version;
}
