import { type Static, Type } from '@sinclair/typebox';
import type { Plan } from '../../../storage/plans.ts';
import { Nullable } from '../nullable.ts';

/**
 * A catalog plan as the API answers it. The definition fields are spelled as in a plan's body and in the
 * configuration's `plans`, so that an answer can be sent back (PATCH /api/v1/plans/{id}); `status` and `updatedAt`
 * are the portal's (readOnly: sent back, they must hold what the portal holds).
 */
export const PlanAnswer = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameJa: Nullable(Type.String({ description: 'Japanese name; null: the name is shown.' })),
  planType: Type.String({ description: 'Unrestricted, Fixed or Variable.' }),
  dataLimitMb: Nullable(Type.Integer({ description: 'Allowance in megabytes (Fixed plans).' })),
  durationDays: Type.Integer(),
  bandwidthKbps: Nullable(Type.Integer({ description: 'Speed cap; null: none.' })),
  priceMinor: Type.Integer({ description: 'Price in minor units (cents; yen have none).' }),
  currency: Type.String({ description: 'ISO 4217 code.' }),
  kind: Type.String({ description: 'mobile (SIM customers) or wifi (customers without a SIM).' }),
  status: Type.String({ description: 'active or retired (POST /api/v1/plans/{id}/retire).', readOnly: true }),
  updatedAt: Type.String({ format: 'date-time', readOnly: true }),
});
/** A catalog plan as the API answers it. */
export type PlanAnswer = Static<typeof PlanAnswer>;

/** The API shape of a stored plan. */
export function presentPlan(plan: Plan): PlanAnswer {
  return {
    id: plan.id,
    name: plan.name,
    nameJa: plan.name_ja,
    planType: plan.plan_type,
    dataLimitMb: plan.data_limit_mb,
    durationDays: plan.duration_days,
    bandwidthKbps: plan.bandwidth_kbps,
    priceMinor: plan.price_minor,
    currency: plan.currency,
    kind: plan.kind,
    status: plan.status,
    updatedAt: plan.updated_at,
  };
}
