import { type Expression, PostgresAdapter, type SqlBool, sql } from 'kysely';
import { compiledOnce } from './compiled-once.ts';
import type { Db } from './database.ts';
import type { DocumentTable } from './schema.ts';

/** A stored version of a subscriber's document, its XML compressed and encrypted. */
export type StoredDocument = DocumentTable;

/** The newest document of a subscriber, or of one kind (full: profiles and provisioning, what the completion page hands over). */
export async function latestDocument(
  db: Db,
  subscriberId: string,
  kind?: 'full' | 'usage',
): Promise<StoredDocument | undefined> {
  let query = db
    .selectFrom('documents')
    .select(['subscriber_id', 'version', 'kind', 'etag', 'sealed', 'created_at', 'usage_at'])
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

/**
 * What a RefreshURL request needs before any document is read: the subscriber's credentials, its newest document's
 * version, ETag and usage times, and the usage time of the subscription the refresh reports (the active one, else the
 * latest). Absent when there is no such subscriber; the document fields are null when it has no document.
 */
export interface RefreshState {
  refreshUser: string;
  refreshPasswordHash: string;
  documentVersion: number | null;
  etag: string | null;
  documentCreatedAt: string | null;
  documentUsageAt: string | null;
  subscriptionUsageAt: string | null;
}

/**
 * The {@link RefreshState} of a subscriber in one statement that reads no document body: the subscriber by primary
 * key, its newest document by the (subscriber_id, version) primary key, the version from the first row of that key
 * walked backwards, and its few subscriptions through subscriptions_by_subscriber. The subqueries take the id as a
 * parameter rather than from `s.id`: correlated, PostgreSQL hash-joined every version of the subscriber; and the
 * newest document is joined by its key, not as a derived table, which SQLite materialized (4x slower; EXPLAIN on
 * both engines). Compiled once per handle (compiled-once.ts).
 */
export const refreshState: (db: Db, subscriberId: string) => Promise<RefreshState | undefined> = compiledOnce(
  (db: Db, subscriberId: string) =>
    db
      .selectFrom('subscribers as s')
      .leftJoin('documents as d', (join) =>
        join.on((eb) =>
          eb.and([
            eb('d.subscriber_id', '=', subscriberId),
            eb(
              'd.version',
              '=',
              eb
                .selectFrom('documents as n')
                .select('n.version')
                .where('n.subscriber_id', '=', subscriberId)
                .orderBy('n.version', 'desc')
                .limit(1),
            ),
          ]),
        ),
      )
      .select((eb) => [
        's.refresh_user as refreshUser',
        's.refresh_password_hash as refreshPasswordHash',
        'd.version as documentVersion',
        'd.etag as etag',
        'd.created_at as documentCreatedAt',
        'd.usage_at as documentUsageAt',
        eb
          .selectFrom('subscriptions as p')
          // The later of billing's usage time and Wi-Fi accounting's (usageTimeOf).
          .select(
            sql<
              string | null
            >`case when p.wifi_usage_at > coalesce(p.usage_at, '') then p.wifi_usage_at else p.usage_at end`.as(
              'usage_at',
            ),
          )
          .where('p.subscriber_id', '=', subscriberId)
          // The active subscription when there is one (activeSubscription), else the latest (latestSubscription).
          .orderBy(sql`case when p.status = 'active' then 0 else 1 end`)
          .orderBy('p.created_at', 'desc')
          .orderBy('p.id', 'desc')
          .limit(1)
          .as('subscriptionUsageAt'),
      ])
      .where('s.id', '=', subscriberId),
);

const documentRow = compiledOnce((db: Db, subscriberId: string, version: number) =>
  db
    .selectFrom('documents')
    .select('sealed')
    .where('subscriber_id', '=', subscriberId)
    .where('version', '=', version),
);

/**
 * The stored form of one version of a subscriber's document (a RefreshURL 200: compiled once per handle,
 * compiled-once.ts).
 */
export async function documentSealed(
  db: Db,
  subscriberId: string,
  version: number,
): Promise<Buffer | undefined> {
  return (await documentRow(db, subscriberId, version))?.sealed;
}

/** What one batch of {@link pruneDocumentsPage} did. */
export interface PruneBatch {
  /** Versions deleted. */
  deleted: number;
  /** Where the next batch starts (the last subscriber id of this page); undefined when this page was the last. */
  next: string | undefined;
}

/**
 * The versions of one subscriber's documents that pruning deletes, among the subscribers `page` selects: all but
 * the `keep` newest and the newest full document (what the completion page and the download serve). A refresh
 * only ever reads the newest version, so a PC holding an older ETag gets the newest document, as before.
 */
function deletePrunable(
  db: Db,
  keep: number,
  page: (column: 'documents.subscriber_id') => Expression<SqlBool>,
) {
  return db
    .deleteFrom('documents')
    .where(page('documents.subscriber_id'))
    .where((eb) =>
      eb(
        'documents.version',
        '<=',
        eb
          .selectFrom('documents as m')
          .select(sql<number>`max(m.version) - ${keep}`.as('bound'))
          .whereRef('m.subscriber_id', '=', 'documents.subscriber_id'),
      ),
    )
    .where((eb) =>
      eb(
        'documents.version',
        'not in',
        eb
          .selectFrom('documents as f')
          .select('f.version')
          .whereRef('f.subscriber_id', '=', 'documents.subscriber_id')
          .where('f.kind', '=', 'full')
          .orderBy('f.version', 'desc')
          .limit(1),
      ),
    );
}

/**
 * Deletes old document versions of the next `pageSize` subscribers after `after` (keyset pagination over the
 * subscribers' primary key, so a batch costs the same on the first page and the millionth): one statement on
 * PostgreSQL, whose data-modifying WITH returns the page's end in the same round trip; on SQLite (no data-modifying
 * WITH, and a statement is a function call, not a round trip) a read of the page's end and then the deletion.
 */
export async function pruneDocumentsPage(
  db: Db,
  after: string,
  options: { pageSize: number; keep: number },
): Promise<PruneBatch> {
  const { pageSize, keep } = options;
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const page = db
      .selectFrom('subscribers')
      .select('id')
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize);
    // The page twice, as the deletion's filter and as the answer's: one statement sees one snapshot, so both agree.
    const row = await db
      .with('gone', () =>
        deletePrunable(db, keep, (column) => sql<SqlBool>`${sql.ref(column)} in (${page})`).returning(
          'documents.version',
        ),
      )
      .with('page', () => page)
      .selectNoFrom([
        sql<string | null>`(select max(id) from page)`.as('last'),
        sql<string>`(select count(*) from page)`.as('pageRows'),
        sql<string>`(select count(*) from gone)`.as('deleted'),
      ])
      .executeTakeFirstOrThrow();
    return {
      deleted: Number(row.deleted),
      next: Number(row.pageRows) === pageSize && row.last !== null ? row.last : undefined,
    };
  }
  const end = await db
    .selectFrom('subscribers')
    .select('id')
    .where('id', '>', after)
    .orderBy('id')
    .limit(1)
    .offset(pageSize - 1)
    .executeTakeFirst();
  const result = await deletePrunable(db, keep, (column) =>
    end
      ? sql<SqlBool>`${sql.ref(column)} > ${after} and ${sql.ref(column)} <= ${end.id}`
      : sql<SqlBool>`${sql.ref(column)} > ${after}`,
  ).executeTakeFirst();
  return { deleted: Number(result.numDeletedRows), next: end?.id };
}
