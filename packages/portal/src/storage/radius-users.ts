import { sql } from 'kysely';
import { compiledOnce } from './compiled-once.ts';
import type { Db } from './database.ts';

/** A subscriber as RADIUS authorize sees it: its id, whether it is suspended, and its current subscription. */
export interface RadiusUser {
  subscriberId: string;
  /** The subscriber or its SIM is suspended by the operator. */
  suspended: boolean;
  /** The active subscription when there is one, else the latest; undefined when it never had one. */
  current: { id: string; status: string; ends_at: string } | undefined;
}

interface Row {
  id: string;
  subscriber_status: string;
  sim_status: string | null;
  subscription_id: string | null;
  status: string | null;
  ends_at: string | null;
}

/**
 * The subscriber, its SIM's status and its current subscription (the active one, else the latest, through
 * subscriptions_by_subscriber), by user name, in one statement: an unknown name costs the same one round trip as a
 * known one. Compiled once per handle (compiled-once.ts).
 */
const userRow = compiledOnce((db: Db, userName: string) =>
  userQuery(db).where('s.refresh_user', '=', userName),
);

/** The same row by subscriber id (a Disconnect job checks the access is still closed). */
const userRowById = compiledOnce((db: Db, subscriberId: string) =>
  userQuery(db).where('s.id', '=', subscriberId),
);

/** The subscriber, its SIM and its current subscription; the callers add which subscriber. */
function userQuery(db: Db) {
  return db
    .selectFrom('subscribers as s')
    .leftJoin('sims as m', 'm.id', 's.sim_id')
    .leftJoin('subscriptions as p', (join) =>
      join.on(
        'p.id',
        '=',
        sql<string>`(select q.id from subscriptions q where q.subscriber_id = s.id
          order by case when q.status = 'active' then 0 else 1 end, q.created_at desc, q.id desc limit 1)`,
      ),
    )
    .select([
      's.id',
      's.status as subscriber_status',
      'm.status as sim_status',
      'p.id as subscription_id',
      'p.status',
      'p.ends_at',
    ]);
}

/** The subscriber whose hotspot user name (its refresh_user) this is, with what authorize decides from. */
export async function radiusUser(db: Db, userName: string): Promise<RadiusUser | undefined> {
  return userOf((await userRow(db, userName)) as Row | undefined);
}

/** The same by subscriber id: what a Disconnect job checks before it ends a session. */
export async function radiusUserById(db: Db, subscriberId: string): Promise<RadiusUser | undefined> {
  return userOf((await userRowById(db, subscriberId)) as Row | undefined);
}

function userOf(row: Row | undefined): RadiusUser | undefined {
  if (!row) return undefined;
  return {
    subscriberId: row.id,
    suspended: row.subscriber_status === 'suspended' || row.sim_status === 'suspended',
    current:
      row.subscription_id !== null && row.status !== null && row.ends_at !== null
        ? { id: row.subscription_id, status: row.status, ends_at: row.ends_at }
        : undefined,
  };
}
