import type { Kysely } from 'kysely';
import type { PlanConfig } from '../config/schema.ts';
import type { Database, PlanTable, SimTable } from './schema.ts';

/** A SIM of the inventory. */
export type Sim = SimTable;
/** A plan of the catalog. */
export type Plan = PlanTable;

/** Adds SIMs that are not in the inventory yet; returns how many were added. */
export async function addSims(
  db: Kysely<Database>,
  sims: Array<{ iccid: string; imsi: string; msisdn?: string }>,
  now: string,
): Promise<number> {
  let added = 0;
  for (const sim of sims) {
    const result = await db
      .insertInto('sims')
      .values({
        iccid: sim.iccid,
        imsi: sim.imsi,
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

/** Finds a SIM by ICCID or, when Windows sent no ICCID, by IMSI. */
export async function findSim(
  db: Kysely<Database>,
  by: { iccid?: string; imsi?: string },
): Promise<Sim | undefined> {
  if (by.iccid) return db.selectFrom('sims').selectAll().where('iccid', '=', by.iccid).executeTakeFirst();
  if (by.imsi) return db.selectFrom('sims').selectAll().where('imsi', '=', by.imsi).executeTakeFirst();
  return undefined;
}

/** The catalog row of a plan definition (configuration or back-office API). */
export function planRow(p: PlanConfig, now: string): Omit<PlanTable, 'id'> {
  return {
    name: p.name,
    name_ja: p.nameJa ?? null,
    plan_type: p.planType,
    data_limit_mb: p.dataLimitMb ?? null,
    duration_days: p.durationDays,
    bandwidth_kbps: p.bandwidthKbps ?? null,
    price_minor: p.priceMinor,
    currency: p.currency,
    status: 'active',
    updated_at: now,
  };
}

/**
 * Seeds the catalog with the configured plans that it does not have yet. After that the back-office API manages
 * the catalog (create, update, retire); a restart does not undo its changes.
 */
export async function seedPlans(db: Kysely<Database>, plans: PlanConfig[], now: string): Promise<void> {
  if (plans.length === 0) return;
  await db
    .insertInto('plans')
    .values(plans.map((p) => ({ id: p.id, ...planRow(p, now) })))
    .onConflict((c) => c.column('id').doNothing())
    .execute();
}

/** The plans on sale, cheapest first. */
export async function activePlans(db: Kysely<Database>): Promise<Plan[]> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('price_minor')
    .orderBy('id')
    .execute();
}

/** A plan by id, retired or not. */
export async function getPlan(db: Kysely<Database>, id: string): Promise<Plan | undefined> {
  return db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
}
