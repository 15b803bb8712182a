import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db, Store } from './database.ts';
import type { RadiusSessionTable } from './schema.ts';
import { OCTETS_PER_MEGABYTE, wifiMegabytes } from './usage-reports.ts';

/** A stored RADIUS accounting session. */
export type RadiusSession = Selectable<RadiusSessionTable>;

/** One accounting record as the storage applies it: already parsed, its subscriber found. */
export interface AccountingRow {
  /** The NAS key: NAS-Identifier, else NAS-IP-Address. */
  nas: string;
  sessionId: string;
  subscriberId: string;
  userName: string;
  kind: 'start' | 'interim' | 'stop';
  nasIpAddress: string | null;
  nasIdentifier: string | null;
  framedIpAddress: string | null;
  callingStationId: string | null;
  calledStationId: string | null;
  uniqueSessionId: string | null;
  /** Octets with their Gigawords, since the session began. */
  inputOctets: number;
  outputOctets: number;
  sessionTime: number | null;
  terminateCause: string | null;
}

/** What one record did. */
export type AccountingOutcome =
  | {
      status: 'applied';
      /** Octets this record added to the subscription. */
      octets: number;
      /** The subscription's usage now, and whether its allowance is used up. */
      usageMb: number;
      exhausted: boolean;
    }
  /** Nothing new: a repeated or older record, no octets yet, or no subscription to count them against. */
  | { status: 'unchanged' };

/**
 * The subscription a subscriber's Wi-Fi octets count against: its active one, else its latest when that is exhausted
 * (usage keeps counting, as billing's does), through subscriptions_by_subscriber.
 */
async function chargedSubscription(tx: Db, subscriberId: string): Promise<string | undefined> {
  const row = await tx
    .selectFrom('subscriptions')
    .select(['id', 'status'])
    .where('subscriber_id', '=', subscriberId)
    .orderBy(sql`case when status = 'active' then 0 else 1 end`)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && (row.status === 'active' || row.status === 'exhausted') ? row.id : undefined;
}

/**
 * Adds `octets` of Wi-Fi use to a subscription in its own row update: the octets, the whole megabytes they complete
 * added to usage_mb (beside billing's figure), the Wi-Fi usage time, and a capped Fixed plan exhausted once the usage
 * reaches its allowance, as billing's reports exhaust it. Concurrent updates of the row serialize on it, and each
 * computes from the row as it finds it.
 */
async function addWifiOctets(
  tx: Db,
  subscriptionId: string,
  octets: number,
  now: string,
): Promise<{ usageMb: number; exhausted: boolean } | undefined> {
  // Cast: SQLite binds a JavaScript number as a real, and a real would divide without truncating.
  const delta = sql`cast(${octets} as bigint)`;
  const added = sql`((subscriptions.wifi_octets + ${delta}) / ${sql.lit(OCTETS_PER_MEGABYTE)} - ${wifiMegabytes('subscriptions')})`;
  const usage = sql`(subscriptions.usage_mb + ${added})`;
  const fixed = sql`(select plans.plan_type from plans where plans.id = subscriptions.plan_id) = 'Fixed'
    and subscriptions.data_limit_mb is not null`;
  const row = await sql<{ usage_mb: number | string; exhausted: number | string }>`update subscriptions
  set usage_mb = ${usage}, wifi_octets = subscriptions.wifi_octets + ${delta}, wifi_usage_at = ${now},
    status = case when ${fixed} and ${usage} >= subscriptions.data_limit_mb then 'exhausted' else subscriptions.status end
  where subscriptions.id = ${subscriptionId} and subscriptions.status in ('active', 'exhausted')
  returning usage_mb, case when ${fixed} and usage_mb >= data_limit_mb then 1 else 0 end as exhausted`
    .execute(tx)
    .then((r) => r.rows[0]);
  return row && { usageMb: Number(row.usage_mb), exhausted: Number(row.exhausted) === 1 };
}

/**
 * Applies one accounting record in one short transaction: the session row (created by the first record that reaches
 * the portal, whichever it is) locked, the octets beyond the counters it stored added to the subscriber's current
 * subscription, and the larger counters stored. A repeated record, or one with smaller counters (out of order, a NAS
 * that restarted its counters), adds nothing and never lowers what is stored. A Stop closes the session; a record
 * after it still counts its new octets but leaves it closed.
 */
export async function applyAccountingRecord(
  store: Store,
  row: AccountingRow,
  now: string,
): Promise<AccountingOutcome> {
  return store.transaction(async (tx) => {
    await tx
      .insertInto('radius_sessions')
      .values({
        id: randomUUID(),
        nas: row.nas,
        session_id: row.sessionId,
        subscriber_id: row.subscriberId,
        subscription_id: null,
        user_name: row.userName,
        nas_ip_address: row.nasIpAddress,
        nas_identifier: row.nasIdentifier,
        framed_ip_address: row.framedIpAddress,
        calling_station_id: row.callingStationId,
        called_station_id: row.calledStationId,
        unique_session_id: row.uniqueSessionId,
        input_octets: 0,
        output_octets: 0,
        session_time: null,
        status: 'open',
        terminate_cause: null,
        started_at: now,
        updated_at: now,
        stopped_at: null,
      })
      .onConflict((c) => c.columns(['nas', 'session_id']).doNothing())
      .execute();
    const session = await tx
      .selectFrom('radius_sessions')
      .selectAll()
      .where('nas', '=', row.nas)
      .where('session_id', '=', row.sessionId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const storedIn = Number(session.input_octets);
    const storedOut = Number(session.output_octets);
    const input = Math.max(storedIn, row.inputOctets);
    const output = Math.max(storedOut, row.outputOctets);
    const octets = input - storedIn + (output - storedOut);
    // The session's subscriber, not the record's: a session id reused for another user name changes nobody else.
    const subscriptionId = octets > 0 ? await chargedSubscription(tx, session.subscriber_id) : undefined;
    const charged = subscriptionId ? await addWifiOctets(tx, subscriptionId, octets, now) : undefined;
    const stopped = session.status === 'stopped' || row.kind === 'stop';
    await tx
      .updateTable('radius_sessions')
      .set({
        input_octets: input,
        output_octets: output,
        session_time: Math.max(session.session_time ?? 0, row.sessionTime ?? 0) || session.session_time,
        framed_ip_address: row.framedIpAddress ?? session.framed_ip_address,
        calling_station_id: row.callingStationId ?? session.calling_station_id,
        called_station_id: row.calledStationId ?? session.called_station_id,
        unique_session_id: row.uniqueSessionId ?? session.unique_session_id,
        nas_ip_address: row.nasIpAddress ?? session.nas_ip_address,
        subscription_id: charged ? (subscriptionId as string) : session.subscription_id,
        status: stopped ? 'stopped' : 'open',
        terminate_cause: session.terminate_cause ?? (row.kind === 'stop' ? row.terminateCause : null),
        stopped_at: session.stopped_at ?? (stopped ? now : null),
        updated_at: now,
      })
      .where('id', '=', session.id)
      .execute();
    return charged ? { status: 'applied', octets, ...charged } : { status: 'unchanged' };
  });
}

/**
 * Closes the open sessions of a NAS that says it (re)started (Accounting-On or -Off): it lost them, and no Stop will
 * come. Their octets since the last record are lost with them. Answers how many were closed.
 */
export function stopNasSessions(db: Db, nas: string, cause: string, now: string): Promise<number> {
  return stopOpen(db, 'nas', nas, cause, now);
}

/** Stops the open sessions whose `column` is `value`, with `cause`; answers how many. */
async function stopOpen(
  db: Db,
  column: 'nas' | 'id',
  value: string,
  cause: string,
  now: string,
): Promise<number> {
  const result = await db
    .updateTable('radius_sessions')
    .set({ status: 'stopped', terminate_cause: cause, stopped_at: now, updated_at: now })
    .where(column, '=', value)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The open sessions of a subscriber, oldest first: what a Disconnect-Request or CoA names. */
export async function openSessionsOf(db: Db, subscriberId: string): Promise<RadiusSession[]> {
  return db
    .selectFrom('radius_sessions')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .where('status', '=', 'open')
    .orderBy('started_at')
    .execute();
}

/**
 * Closes a session its NAS ended at mbprov's request (a Disconnect ACKed, or NAKed because the session was already
 * gone): accounting's Stop may never reach the portal. Answers whether it was still open.
 */
export async function closeEndedSession(db: Db, id: string, cause: string, now: string): Promise<boolean> {
  return (await stopOpen(db, 'id', id, cause, now)) === 1;
}

/** A session by NAS and Acct-Session-Id. */
export async function radiusSession(
  db: Db,
  nas: string,
  sessionId: string,
): Promise<RadiusSession | undefined> {
  return db
    .selectFrom('radius_sessions')
    .selectAll()
    .where('nas', '=', nas)
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
}

/** The ids of up to `limit` sessions of `status` whose last record is older than `before`, oldest first. */
function oldest(db: Db, status: 'open' | 'stopped', before: string, limit: number) {
  return db
    .selectFrom('radius_sessions')
    .select('id')
    .where('status', '=', status)
    .where('updated_at', '<', before)
    .orderBy('updated_at')
    .limit(limit);
}

/**
 * Closes up to `limit` open sessions with no record since `before` (a NAS that lost them sends no Stop), through
 * radius_sessions_by_update; answers how many.
 */
export async function closeSilentSessions(
  db: Db,
  before: string,
  now: string,
  limit: number,
): Promise<number> {
  const ids = oldest(db, 'open', before, limit);
  const result = await db
    .updateTable('radius_sessions')
    .set({ status: 'stopped', terminate_cause: 'Silent', stopped_at: now })
    .where('id', 'in', ids)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes up to `limit` sessions stopped before `before`, through radius_sessions_by_update; answers how many. */
export async function deleteStoppedSessions(db: Db, before: string, limit: number): Promise<number> {
  const ids = oldest(db, 'stopped', before, limit);
  const result = await db.deleteFrom('radius_sessions').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
