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
  db
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
    ])
    .where('s.refresh_user', '=', userName),
);

/** The subscriber whose hotspot user name (its refresh_user) this is, with what authorize decides from. */
export async function radiusUser(db: Db, userName: string): Promise<RadiusUser | undefined> {
  const row = (await userRow(db, userName)) as Row | undefined;
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
