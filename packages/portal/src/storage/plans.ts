import type { PlanConfig } from '../config/schema.ts';
import type { Db } from './database.ts';
import type { PlanTable } from './schema.ts';

/** A plan of the catalog. */
export type Plan = PlanTable;

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
    kind: p.kind,
  };
}

/**
 * Seeds the catalog with the configured plans that it does not have yet. After that the back-office API manages
 * the catalog (create, update, retire); a restart does not undo its changes.
 */
export async function seedPlans(db: Db, plans: PlanConfig[], now: string): Promise<void> {
  if (plans.length === 0) return;
  await db
    .insertInto('plans')
    .values(plans.map((p) => ({ id: p.id, ...planRow(p, now) })))
    .onConflict((c) => c.column('id').doNothing())
    .execute();
}

/** Who a plan is sold to: SIM customers, or customers without a SIM. */
export type PlanKind = 'mobile' | 'wifi';

/** The plans on sale to `kind` customers, cheapest first. */
export async function activePlans(db: Db, kind: PlanKind = 'mobile'): Promise<Plan[]> {
  return db
    .selectFrom('plans')
    .selectAll()
    .where('status', '=', 'active')
    .where('kind', '=', kind)
    .orderBy('price_minor')
    .orderBy('id')
    .execute();
}

/** A plan by id, retired or not. */
export async function getPlan(db: Db, id: string): Promise<Plan | undefined> {
  return db.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The whole catalog, retired plans included, by id. */
export async function allPlans(db: Db): Promise<Plan[]> {
  return db.selectFrom('plans').selectAll().orderBy('id').execute();
}

/** Adds a plan to the catalog; false when a plan with its id exists already (nothing changed). */
export async function createPlan(db: Db, plan: Plan): Promise<boolean> {
  const inserted = await db
    .insertInto('plans')
    .values(plan)
    .onConflict((c) => c.doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Replaces the definition of a catalog plan (its id stays) if its updated_at is still `readAt`, the one of the row
 * the new definition was made from; false when the plan changed since (nothing written).
 */
export async function updatePlan(db: Db, plan: Plan, readAt: string): Promise<boolean> {
  const { id, ...row } = plan;
  const r = await db
    .updateTable('plans')
    .set(row)
    .where('id', '=', id)
    .where('updated_at', '=', readAt)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Stops selling a plan; false when there is no such plan. */
export async function retirePlan(db: Db, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('plans')
    .set({ status: 'retired', updated_at: now })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
