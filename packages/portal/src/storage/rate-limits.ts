import type { Db } from './database.ts';

/** One counter's window as stored: the counter's name and the window's start (ISO 8601). */
export interface RateLimitWindow {
  name: string;
  windowStart: string;
}

const keyOf = (name: string, windowStart: string) => `${windowStart} ${name}`;

/**
 * Adds `by` to each window's count in one statement (an upsert: a missing row starts at `by`), atomically against
 * every other process, and answers the counts after, in the order of `hits`. The windows must be distinct (one
 * statement cannot update a row twice); give them sorted so that concurrent statements lock rows in one order.
 */
export async function addRateLimitHits(
  db: Db,
  hits: ReadonlyArray<RateLimitWindow & { by: number; expiresAt: string }>,
): Promise<number[]> {
  const rows = await db
    .insertInto('rate_limits')
    .values(
      hits.map((h) => ({ name: h.name, window_start: h.windowStart, count: h.by, expires_at: h.expiresAt })),
    )
    .onConflict((oc) =>
      oc
        .columns(['name', 'window_start'])
        .doUpdateSet((eb) => ({ count: eb(eb.ref('rate_limits.count'), '+', eb.ref('excluded.count')) })),
    )
    .returning(['name', 'window_start', 'count'])
    .execute();
  const counts = new Map(rows.map((r) => [keyOf(r.name, r.window_start), Number(r.count)]));
  return hits.map((h) => {
    const count = counts.get(keyOf(h.name, h.windowStart));
    if (count === undefined) throw new Error(`the rate limit upsert answered no row for ${h.name}`);
    return count;
  });
}

/** The count of each window (0 for a window without a row), in the order of `windows`. */
export async function readRateLimitCounts(db: Db, windows: readonly RateLimitWindow[]): Promise<number[]> {
  const rows = await db
    .selectFrom('rate_limits')
    .select(['name', 'window_start', 'count'])
    .where((eb) =>
      eb(
        eb.refTuple('name', 'window_start'),
        'in',
        windows.map((w) => eb.tuple(w.name, w.windowStart)),
      ),
    )
    .execute();
  const counts = new Map(rows.map((r) => [keyOf(r.name, r.window_start), Number(r.count)]));
  return windows.map((w) => counts.get(keyOf(w.name, w.windowStart)) ?? 0);
}

/**
 * Deletes up to `limit` rows that expired before `now` (ISO 8601), through the expiry index; answers how many. The
 * periodic job calls it until it deletes fewer than `limit`, so one statement never holds many rows.
 */
export async function deleteExpiredRateLimits(db: Db, now: string, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('rate_limits')
    .where((eb) =>
      eb(
        eb.refTuple('name', 'window_start'),
        'in',
        eb
          .selectFrom('rate_limits as expired')
          .select(['expired.name', 'expired.window_start'])
          .where('expired.expires_at', '<', now)
          .limit(limit)
          .$asTuple('name', 'window_start'),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
