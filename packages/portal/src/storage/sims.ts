import { randomUUID } from 'node:crypto';
import type { Db } from './database.ts';
import type { SimTable } from './schema.ts';

/** A SIM of the inventory. */
export type Sim = SimTable;

/** The identifiers of an inventory row as given to addSims (at least one of iccid, imsi, min). */
export interface NewSim {
  iccid?: string;
  imsi?: string;
  /** CDMA MIN or MIN(IRM), 10 digits. */
  min?: string;
  /** The bound CDMA device, normalized by cdmaDeviceKey. */
  esnMeid?: string;
  msisdn?: string;
}

/**
 * Adds SIMs that are not in the inventory yet (a row sharing any identifier with a stored one is skipped); returns
 * how many were added.
 */
export async function addSims(db: Db, sims: NewSim[], now: string): Promise<number> {
  let added = 0;
  for (const sim of sims) {
    if (!sim.iccid && !sim.imsi && !sim.min)
      throw new Error('an inventory row needs an ICCID, an IMSI or a MIN');
    const result = await db
      .insertInto('sims')
      .values({
        id: `sim_${randomUUID()}`,
        iccid: sim.iccid ?? null,
        imsi: sim.imsi ?? null,
        min: sim.min ?? null,
        esn_meid: sim.esnMeid ?? null,
        msisdn: sim.msisdn ?? null,
        status: 'available',
        created_at: now,
      })
      .onConflict((c) => c.doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

/** Which identifier of a row to look up, and its value. */
export interface SimLookup {
  iccid?: string;
  imsi?: string;
  min?: string;
  esnMeid?: string;
}

/** Finds a SIM by the first identifier given, in the order ICCID, IMSI, MIN, ESN/MEID. */
export async function findSim(db: Db, by: SimLookup): Promise<Sim | undefined> {
  const q = db.selectFrom('sims').selectAll();
  if (by.iccid) return q.where('iccid', '=', by.iccid).executeTakeFirst();
  if (by.imsi) return q.where('imsi', '=', by.imsi).executeTakeFirst();
  if (by.min) return q.where('min', '=', by.min).executeTakeFirst();
  if (by.esnMeid) return q.where('esn_meid', '=', by.esnMeid).executeTakeFirst();
  return undefined;
}

/**
 * Every row any of the identifiers names (each identifier is looked up on its own column), with which identifiers
 * matched it: more than one row means the identifiers name different subscribers.
 */
export async function findSimsByAny(
  db: Db,
  by: SimLookup,
): Promise<Array<{ sim: Sim; matched: Array<keyof SimLookup> }>> {
  const conditions = (
    [
      ['iccid', 'iccid'],
      ['imsi', 'imsi'],
      ['min', 'min'],
      ['esnMeid', 'esn_meid'],
    ] as const
  ).filter(([key]) => by[key]);
  if (conditions.length === 0) return [];
  const rows = await db
    .selectFrom('sims')
    .selectAll()
    .where((eb) => eb.or(conditions.map(([key, column]) => eb(column, '=', by[key] as string))))
    .orderBy('id')
    .execute();
  return rows.map((sim) => ({
    sim,
    matched: conditions
      .filter(([key, column]) => sim[column] === by[key])
      .map(([key]) => key as keyof SimLookup),
  }));
}

/** The inventory row of an MSISDN. */
export async function simByMsisdn(db: Db, msisdn: string): Promise<Sim | undefined> {
  return db.selectFrom('sims').selectAll().where('msisdn', '=', msisdn).executeTakeFirst();
}

/** The identifiers of the whole inventory in the order the SIMs were added (the COSA export lists them all). */
export async function simIdentifiers(db: Db): Promise<Array<Pick<Sim, 'iccid' | 'imsi' | 'min'>>> {
  return db
    .selectFrom('sims')
    .select(['iccid', 'imsi', 'min'])
    .orderBy('created_at')
    .orderBy('iccid')
    .execute();
}

/** The inventory rows of any of `iccids` (a Mobile Plans launch's list: a handful, bounded by the caller). */
export async function simsByIccids(db: Db, iccids: readonly string[]): Promise<Sim[]> {
  if (iccids.length === 0) return [];
  return db.selectFrom('sims').selectAll().where('iccid', 'in', iccids).execute();
}
