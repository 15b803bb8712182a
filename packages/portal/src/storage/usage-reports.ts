import { type Expression, type RawBuilder, SqliteAdapter, sql } from 'kysely';
import { compiledOnce } from './compiled-once.ts';
import type { Db, Store } from './database.ts';

/** Octets in a megabyte: decimal, as the documents' usage and the operator messages count (docs/operator-messages.md). */
export const OCTETS_PER_MEGABYTE = 1_000_000;

/**
 * The whole megabytes of Wi-Fi accounting a subscription row holds (`wifi_octets` of the row named `row`): billing's
 * reports cover the cellular usage, so the usage stored is billing's figure plus this (docs/hotspot.md, Accounting).
 */
export function wifiMegabytes(row: string): RawBuilder<number> {
  return sql<number>`(${sql.ref(`${row}.wifi_octets`)} / ${sql.lit(OCTETS_PER_MEGABYTE)})`;
}

/** One usage report as the storage applies it: already checked, its time normalized by toISOString. */
export interface UsageRow {
  iccid?: string | undefined;
  imsi?: string | undefined;
  min?: string | undefined;
  /** Whole megabytes. */
  usageMb: number;
  /** ISO 8601 as written by Date.prototype.toISOString, so that times compare as text. */
  at: string;
}

/** What became of one report (see UsageResult of backoffice/usage.ts, which this feeds). */
export type UsageOutcome =
  | {
      status: 'applied';
      usageMb: number;
      exhausted: boolean;
      /** The subscriber whose plan the report counted against. */
      subscriberId: string;
    }
  | { status: 'duplicate' | 'stale' | 'unknown-sim' | 'no-plan' };

/** A row of the batch statement: one per report, in report order. */
interface ReportRow {
  idx: number | string;
  subscriber: string | null;
  sid: string | null;
  status: string | null;
  starts_at: string | null;
  at: string;
  current_at: string;
  applied: number | string;
  usage: number | string | null;
  /** The highest figure billing reported up to this row (applied rows only). */
  reported: number | string | null;
  cap: number | string | null;
  fixed: number | string;
  updated?: string | null;
}

/** The id of the SIM a report names, by its first identifier: ICCID, IMSI, MIN (null when there is none). */
function simOf(
  iccid: Expression<unknown>,
  imsi: Expression<unknown>,
  min: Expression<unknown>,
): RawBuilder<unknown> {
  return sql`case
    when ${iccid} is not null then (select id from sims where iccid = ${iccid})
    when ${imsi} is not null then (select id from sims where imsi = ${imsi})
    when ${min} is not null then (select id from sims where min = ${min}) end`;
}

/**
 * The id of the subscription a report of the subscriber counts against: its active one when there is one, else its
 * latest (through subscriptions_by_subscriber).
 */
function currentSubscriptionOf(subscriber: Expression<unknown>): RawBuilder<unknown> {
  return sql`(select q.id from subscriptions q where q.subscriber_id = ${subscriber}
    order by case when q.status = 'active' then 0 else 1 end, q.created_at desc, q.id desc limit 1)`;
}

/**
 * Each report with the subscription it belongs to (the subscriber's active one, else its latest, as the SIM is
 * found by its first identifier: ICCID, IMSI, MIN) and what applying the batch in order does to it, computed in SQL
 * with window functions so that a whole batch is one statement. A report applies when its subscription is active or
 * exhausted, began by then, and the report is newer than both the stored usage time and every earlier eligible
 * report of the batch for the same subscription (a report that does not apply never moves that time, so the
 * running maximum of eligible reports equals the sequential outcome). Usage is the running maximum of the applied
 * figures and the stored one: it never moves backwards. A stored time past `latest` (stored before the report
 * window existed) counts as none, so it cannot freeze the usage.
 */
function reportRows(reports: UsageRow[], latest: string): RawBuilder<unknown> {
  const values = sql.join(
    reports.map(
      (r, i) =>
        sql`(cast(${i} as integer), cast(${r.iccid ?? null} as text), cast(${r.imsi ?? null} as text), cast(${r.min ?? null} as text), cast(${r.usageMb} as integer), cast(${r.at} as text))`,
    ),
  );
  return sql`r (idx, iccid, imsi, min, reported, at) as (values ${values}),
t as (
  select r.idx, r.reported, r.at, s.id as subscriber, p.id as sid, p.status, p.starts_at, p.usage_mb,
    case when p.usage_at > ${latest} then '' else coalesce(p.usage_at, '') end as stored_at,
    case when pl.plan_type = 'Fixed' and p.data_limit_mb is not null then 1 else 0 end as fixed,
    p.data_limit_mb as cap, coalesce(${wifiMegabytes('p')}, 0) as wifi_mb
  from r
  left join subscribers s on s.sim_id = ${simOf(sql.ref('r.iccid'), sql.ref('r.imsi'), sql.ref('r.min'))}
  left join subscriptions p on p.id = ${currentSubscriptionOf(sql.ref('s.id'))}
  left join plans pl on pl.id = p.plan_id
),
e as (
  select t.*,
    case when t.sid is not null and t.status in ('active', 'exhausted') and t.starts_at <= t.at then 1 else 0 end
      as eligible
  from t
),
c as (
  select e.*, coalesce(max(e.at) over (partition by e.sid, e.eligible order by e.idx
    rows between unbounded preceding and 1 preceding), '') as before_at
  from e
),
d as (
  select c.*, case when c.stored_at > c.before_at then c.stored_at else c.before_at end as current_at from c
),
a as (
  select d.*, case when d.eligible = 1 and d.at > d.current_at then 1 else 0 end as applied from d
),
u as (
  select a.*, max(case when a.applied = 1 then a.reported end) over (partition by a.sid order by a.idx
    rows unbounded preceding) as max_reported
  from a
),
v as (
  select u.idx, u.subscriber, u.sid, u.status, u.starts_at, u.at, u.current_at, u.applied, u.fixed, u.cap,
    u.max_reported as reported,
    case when u.max_reported + u.wifi_mb > u.usage_mb then u.max_reported + u.wifi_mb else u.usage_mb end as usage
  from u
)`;
}

/**
 * The update of the subscriptions the batch changes, from `f` (sid, at, reported, fixed): the newest time and the
 * highest usage (the highest reported figure plus the Wi-Fi megabytes of the row as the update takes it, which
 * concurrent accounting may have raised), exhausting a capped Fixed plan. The guard re-checks against the row as it
 * is when the update takes it: under PostgreSQL's READ COMMITTED a concurrent batch may have moved it on since the
 * statement's snapshot, and then this one must change nothing.
 */
function updateFrom(latest: string): RawBuilder<unknown> {
  const total = sql`f.reported + ${wifiMegabytes('subscriptions')}`;
  const usage = sql`case when ${total} > subscriptions.usage_mb then ${total} else subscriptions.usage_mb end`;
  return sql`update subscriptions set usage_mb = ${usage}, usage_at = f.at,
    status = case when f.fixed = 1 and subscriptions.data_limit_mb is not null
      and ${usage} >= subscriptions.data_limit_mb then 'exhausted' else subscriptions.status end
  from f
  where subscriptions.id = f.sid and subscriptions.status in ('active', 'exhausted')
    and (subscriptions.usage_at is null or subscriptions.usage_at > ${latest} or subscriptions.usage_at < f.at)`;
}

function outcome(row: ReportRow): UsageOutcome {
  if (row.subscriber === null) return { status: 'unknown-sim' };
  if (row.sid === null || (row.status !== 'active' && row.status !== 'exhausted'))
    return { status: 'no-plan' };
  if ((row.starts_at as string) > row.at || row.at < row.current_at) return { status: 'stale' };
  if (row.at === row.current_at) return { status: 'duplicate' };
  const usageMb = Number(row.usage);
  const exhausted = Number(row.fixed) === 1 && row.cap !== null && usageMb >= Number(row.cap);
  return { status: 'applied', usageMb, exhausted, subscriberId: row.subscriber };
}

/** PostgreSQL: the batch is one statement, the update a data-modifying CTE; `updated` tells which rows it took. */
async function applyOnPostgres(db: Db, reports: UsageRow[], latest: string): Promise<ReportRow[]> {
  const result = await sql<ReportRow>`with ${reportRows(reports, latest)},
f as (select sid, max(at) as at, max(reported) as reported, max(fixed) as fixed from v where applied = 1 group by sid),
w as (${updateFrom(latest)} returning subscriptions.id)
select v.*, w.id as updated from v left join w on w.id = v.sid order by v.idx`.execute(db);
  return result.rows;
}

/** SQLite has no data-modifying CTE: the same read, then the update, in one transaction (one writer at a time). */
async function applyOnSqlite(store: Store, reports: UsageRow[], latest: string): Promise<ReportRow[]> {
  return store.transaction(async (tx) => {
    const { rows } =
      await sql<ReportRow>`with ${reportRows(reports, latest)} select * from v order by idx`.execute(tx);
    const finals = new Map<string, { at: string; reported: number; fixed: number }>();
    for (const row of rows) {
      if (Number(row.applied) !== 1 || row.sid === null) continue;
      const prior = finals.get(row.sid);
      const reported = Number(row.reported);
      finals.set(row.sid, {
        at: prior && prior.at > row.at ? prior.at : row.at,
        reported: prior ? Math.max(prior.reported, reported) : reported,
        fixed: Number(row.fixed),
      });
    }
    if (finals.size > 0) {
      const values = sql.join(
        [...finals].map(([sid, f]) => sql`(${sid}, ${f.at}, ${f.reported}, ${f.fixed})`),
      );
      await sql`with f (sid, at, reported, fixed) as (values ${values}) ${updateFrom(latest)}`.execute(tx);
    }
    return rows.map((row) => ({ ...row, updated: row.sid }));
  });
}

const text = (value: unknown) => sql`cast(${value} as text)`;
const integer = (value: unknown) => sql`cast(${value} as integer)`;

/**
 * One report applied by one UPDATE, when it applies (the usual case): the subscription found from the SIM by indexed
 * subqueries, the same guards as the batch (active or exhausted, begun by then, newer than the stored usage time),
 * usage that never moves backwards and a capped Fixed plan exhausted, all in the row's own update, so that a
 * concurrent report can never interleave (PostgreSQL re-checks the guards against the row it waited for).
 * Answers the usage now stored and whether the allowance is used up; no row when the report did not apply (then
 * the batch statement says why). Compiled once per Db handle (compiled-once.ts); prepared once per connection.
 */
const applyOne = compiledOnce(
  (
    db: Db,
    iccid: string | null,
    imsi: string | null,
    min: string | null,
    usageMb: number,
    at: string,
    latest: string,
  ) => {
    const total = sql`${integer(usageMb)} + ${wifiMegabytes('subscriptions')}`;
    const usage = sql`case when ${total} > subscriptions.usage_mb then ${total} else subscriptions.usage_mb end`;
    const fixed = sql`(select plans.plan_type from plans where plans.id = subscriptions.plan_id) = 'Fixed'
      and subscriptions.data_limit_mb is not null`;
    const subscriber = sql`(select s.id from subscribers s where s.sim_id = ${simOf(text(iccid), text(imsi), text(min))})`;
    const statement = sql<{
      usage_mb: number | string;
      exhausted: number | string;
      subscriber_id: string;
    }>`update subscriptions
  set usage_mb = ${usage}, usage_at = ${text(at)},
    status = case when ${fixed} and ${usage} >= subscriptions.data_limit_mb then 'exhausted'
      else subscriptions.status end
  where subscriptions.id = ${currentSubscriptionOf(subscriber)}
    and subscriptions.status in ('active', 'exhausted') and subscriptions.starts_at <= ${text(at)}
    and (subscriptions.usage_at is null or subscriptions.usage_at > ${text(latest)}
      or subscriptions.usage_at < ${text(at)})
  returning usage_mb, case when ${fixed} and usage_mb >= data_limit_mb then 1 else 0 end as exhausted,
    subscriber_id`;
    return { compile: () => statement.compile(db) };
  },
);

/** How often a report that lost a race with a concurrent batch is evaluated again before giving up. */
const MAX_ATTEMPTS = 8;

/**
 * Applies a batch of usage reports in order, as if one after the other, in one statement on PostgreSQL (one short
 * transaction on SQLite) whatever the batch size; returns the outcome of each, in order. A report that a concurrent
 * batch overtook between the statement's read and its update (PostgreSQL only) is evaluated again against the
 * stored row, which has only moved forward, so it then reads as stale or applies on top. A report alone (what
 * billing systems send most) is first tried as one UPDATE on both engines; the batch statement then runs only when
 * it did not apply, to tell why.
 *
 * @param latest the latest report time the portal accepts: a stored usage time after it counts as none
 */
export async function applyUsageBatch(
  store: Store,
  reports: UsageRow[],
  latest: string,
): Promise<UsageOutcome[]> {
  const [one] = reports;
  if (one && reports.length === 1) {
    const { iccid, imsi, min, usageMb, at } = one;
    const row = await applyOne(store.db, iccid ?? null, imsi ?? null, min ?? null, usageMb, at, latest);
    if (row)
      return [
        {
          status: 'applied',
          usageMb: Number(row.usage_mb),
          exhausted: Number(row.exhausted) === 1,
          subscriberId: row.subscriber_id,
        },
      ];
  }
  const outcomes: UsageOutcome[] = new Array(reports.length);
  let pending = reports.map((_, i) => i);
  const onSqlite = store.db.getExecutor().adapter instanceof SqliteAdapter;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS)
      throw new Error(`usage reports kept losing races with concurrent updates (${pending.length} left)`);
    const batch = pending.map((i) => reports[i] as UsageRow);
    const rows = onSqlite
      ? await applyOnSqlite(store, batch, latest)
      : await applyOnPostgres(store.db, batch, latest);
    const lost: number[] = [];
    for (const row of rows) {
      const index = pending[Number(row.idx)] as number;
      const result = outcome(row);
      if (result.status === 'applied' && row.updated !== row.sid) lost.push(index);
      else outcomes[index] = result;
    }
    pending = lost;
  }
  return outcomes;
}
