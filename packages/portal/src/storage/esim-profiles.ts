import type { Db } from './database.ts';
import type { EsimProfileState, EsimProfileTable } from './schema.ts';

/** An eSIM profile of the inventory with its order. */
export type EsimProfile = EsimProfileTable;

/** A profile to add to the inventory. */
export interface NewEsimProfile {
  iccid: string;
  profileType?: string;
  /** The profile's IMSI (6 to 15 digits), when the operator gives it. */
  imsi?: string;
}

/** States of an order that was not downloaded: the same subscriber and EID get it again. */
const UNDOWNLOADED: EsimProfileState[] = ['ordering', 'released'];
/** Rows a statement of an import inserts at once. */
const INSERT_BATCH = 500;

/**
 * Adds profiles the inventory does not hold yet (an ICCID it holds is left as it is); returns how many were added.
 * Run it in a transaction to make an import all-or-nothing; `progress` hears the rows written so far.
 */
export async function addEsimProfiles(
  db: Db,
  profiles: readonly NewEsimProfile[],
  now: string,
  progress?: (done: number) => void,
): Promise<number> {
  let added = 0;
  for (let i = 0; i < profiles.length; i += INSERT_BATCH) {
    const batch = profiles.slice(i, i + INSERT_BATCH);
    const result = await db
      .insertInto('esim_profiles')
      .values(
        batch.map((p) => ({
          iccid: p.iccid,
          profile_type: p.profileType ?? null,
          imsi: p.imsi ?? null,
          state: 'available' as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((c) => c.column('iccid').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
    progress?.(i + batch.length);
  }
  return added;
}

/** The states of the given ICCIDs that the inventory holds already (an import checks them before it writes). */
export async function esimStatesOf(
  db: Db,
  iccids: readonly string[],
): Promise<Map<string, { state: EsimProfileState; profileType: string | null; imsi: string | null }>> {
  const found = new Map<
    string,
    { state: EsimProfileState; profileType: string | null; imsi: string | null }
  >();
  for (let i = 0; i < iccids.length; i += INSERT_BATCH) {
    const rows = await db
      .selectFrom('esim_profiles')
      .select(['iccid', 'state', 'profile_type', 'imsi'])
      .where('iccid', 'in', iccids.slice(i, i + INSERT_BATCH))
      .execute();
    for (const r of rows) found.set(r.iccid, { state: r.state, profileType: r.profile_type, imsi: r.imsi });
  }
  return found;
}

/** Which of the given IMSIs profiles of the inventory hold already, with their ICCIDs. */
export async function esimImsisHeld(db: Db, imsis: readonly string[]): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  for (let i = 0; i < imsis.length; i += INSERT_BATCH) {
    const rows = await db
      .selectFrom('esim_profiles')
      .select(['imsi', 'iccid'])
      .where('imsi', 'in', imsis.slice(i, i + INSERT_BATCH))
      .execute();
    for (const r of rows) held.set(r.imsi as string, r.iccid);
  }
  return held;
}

/** A profile by ICCID. */
export async function esimProfileByIccid(db: Db, iccid: string): Promise<EsimProfile | undefined> {
  return db.selectFrom('esim_profiles').selectAll().where('iccid', '=', iccid).executeTakeFirst();
}

/** How many profiles the inventory holds in each state. */
export async function esimProfileCounts(db: Db): Promise<Partial<Record<EsimProfileState, number>>> {
  const rows = await db
    .selectFrom('esim_profiles')
    .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

/**
 * Serializes the eSIM orders of one subscriber for the rest of the transaction (its subscriber row locked): a
 * reload and its original then see each other's order instead of ordering two profiles.
 */
export async function lockSubscriberOrders(tx: Db, subscriberId: string): Promise<void> {
  await tx.selectFrom('subscribers').select('id').where('id', '=', subscriberId).forUpdate().execute();
}

/** The subscriber's latest profile for the eSIM `eid` in one of `states`, if any. */
async function latestProfileIn(
  db: Db,
  subscriberId: string,
  eid: string,
  states: readonly EsimProfileState[],
): Promise<EsimProfile | undefined> {
  return db
    .selectFrom('esim_profiles')
    .selectAll()
    .where('subscriber_id', '=', subscriberId)
    .where('eid', '=', eid)
    .where('state', 'in', states)
    .orderBy('updated_at', 'desc')
    .executeTakeFirst();
}

/** The subscriber's order for the eSIM that was not downloaded yet, if any. */
export function undownloadedOrder(
  db: Db,
  subscriberId: string,
  eid: string,
): Promise<EsimProfile | undefined> {
  return latestProfileIn(db, subscriberId, eid, UNDOWNLOADED);
}

/**
 * Takes the first available profile for the order (state `ordering`), or undefined when none is left. On PostgreSQL
 * a row another transaction is taking is skipped, not waited for, so concurrent orders get different profiles
 * without queueing; SQLite runs one write transaction at a time.
 */
export async function reserveEsimProfile(
  tx: Db,
  order: { subscriberId: string; eid: string; transactionId?: string },
  now: string,
): Promise<EsimProfile | undefined> {
  const free = await tx
    .selectFrom('esim_profiles')
    .select('iccid')
    .where('state', '=', 'available')
    .orderBy('iccid')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!free) return undefined;
  return tx
    .updateTable('esim_profiles')
    .set({
      state: 'ordering',
      subscriber_id: order.subscriberId,
      eid: order.eid,
      transaction_id: order.transactionId ?? null,
      failure: null,
      updated_at: now,
    })
    .where('iccid', '=', free.iccid)
    .where('state', '=', 'available')
    .returningAll()
    .executeTakeFirst();
}

/**
 * The EIDs of a subscriber's eSIMs, most recently ordered for first: those its profiles were ordered for (the
 * subscriber model learns its EIDs from its orders).
 */
export async function subscriberEids(db: Db, subscriberId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('esim_profiles')
    .select(['eid', (eb) => eb.fn.max('updated_at').as('last')])
    .where('subscriber_id', '=', subscriberId)
    .where('eid', 'is not', null)
    .where('state', '!=', 'failed')
    .groupBy('eid')
    .orderBy('last', 'desc')
    .execute();
  return rows.map((r) => r.eid as string);
}

/**
 * The subscriber's profile on the eSIM `eid` that reached the device (downloaded or installed), the latest: a Mobile
 * Plans purchase for a line that has it tops it up instead of ordering another.
 */
export function deliveredProfile(
  db: Db,
  subscriberId: string,
  eid: string,
): Promise<EsimProfile | undefined> {
  return latestProfileIn(db, subscriberId, eid, ['downloaded', 'installed']);
}

/**
 * The profile the inventory gave a subscriber (released, downloaded or installed) among the first of `iccids` (in
 * their order), or with `imsi`; with that subscriber.
 */
export async function orderedProfileOf(
  db: Db,
  by: { iccids: readonly string[] } | { imsi: string },
): Promise<{ iccid: string; subscriberId: string } | undefined> {
  const iccids = 'iccids' in by ? by.iccids : undefined;
  if (iccids?.length === 0) return undefined;
  const rows = await db
    .selectFrom('esim_profiles')
    .select(['iccid', 'subscriber_id'])
    .where((eb) => (iccids ? eb('iccid', 'in', iccids) : eb('imsi', '=', (by as { imsi: string }).imsi)))
    .where('subscriber_id', 'is not', null)
    .where('state', 'in', ['released', 'downloaded', 'installed'])
    .execute();
  const row = iccids ? iccids.map((i) => rows.find((r) => r.iccid === i)).find((r) => r) : rows[0];
  return row ? { iccid: row.iccid, subscriberId: row.subscriber_id as string } : undefined;
}

/** The order is released at the SM-DP+: the device can download it with this matching ID. */
export async function markEsimReleased(
  db: Db,
  iccid: string,
  released: { matchingId: string; smdpAddress: string },
  now: string,
): Promise<void> {
  await db
    .updateTable('esim_profiles')
    .set({
      state: 'released',
      matching_id: released.matchingId,
      smdp_address: released.smdpAddress,
      released_at: now,
      updated_at: now,
    })
    .where('iccid', '=', iccid)
    .where('state', '=', 'ordering')
    .execute();
}

/** Puts an order's profile back in stock (from one of `from`); false when it was in none of them. */
export async function returnEsimProfile(
  db: Db,
  iccid: string,
  from: readonly EsimProfileState[],
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('esim_profiles')
    .set({
      state: 'available',
      matching_id: null,
      smdp_address: null,
      eid: null,
      subscriber_id: null,
      transaction_id: null,
      released_at: null,
      updated_at: now,
    })
    .where('iccid', '=', iccid)
    .where('state', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Moves a profile forward as the SM-DP+ reports its download (`downloaded`, `installed`) or a failure (`failed`,
 * with why), only from the states in `from`; false when it was in none of them (a repeated notification).
 */
export async function advanceEsimProfile(
  db: Db,
  iccid: string,
  to: 'downloaded' | 'installed' | 'failed',
  from: readonly EsimProfileState[],
  now: string,
  failure?: string,
): Promise<boolean> {
  const r = await db
    .updateTable('esim_profiles')
    .set({
      state: to,
      updated_at: now,
      ...(to === 'downloaded' ? { downloaded_at: now } : {}),
      ...(to === 'installed' ? { installed_at: now } : {}),
      ...(to === 'failed' ? { failure: (failure ?? 'failed').slice(0, 300) } : {}),
    })
    .where('iccid', '=', iccid)
    .where('state', 'in', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Every ICCID of the inventory, in order (the built-in test SM-DP+ starts with them). */
export async function allEsimIccids(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('esim_profiles').select('iccid').orderBy('iccid').execute();
  return rows.map((r) => r.iccid);
}

/**
 * A page of orders stuck in `ordering` since before `before` (a crash between reserving the profile and releasing
 * or returning it), by ICCID after `after`, for the stuck-order job (esim/stuck-orders.ts).
 */
export async function stuckEsimOrdersPage(
  db: Db,
  { before, after, limit }: { before: string; after: string; limit: number },
): Promise<EsimProfile[]> {
  return db
    .selectFrom('esim_profiles')
    .selectAll()
    .where('state', '=', 'ordering')
    .where('iccid', '>', after)
    .where('updated_at', '<', before)
    .orderBy('iccid')
    .limit(limit)
    .execute();
}

/**
 * Claims a stuck order for this run: touches it when it is still `ordering` as last seen (`seenAt`, its updated_at);
 * false when another run or the order itself moved it meanwhile. A run that dies after claiming leaves the order to
 * a run after the next bound.
 */
export async function claimStuckEsimOrder(
  db: Db,
  iccid: string,
  seenAt: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('esim_profiles')
    .set({ updated_at: now })
    .where('iccid', '=', iccid)
    .where('state', '=', 'ordering')
    .where('updated_at', '=', seenAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
