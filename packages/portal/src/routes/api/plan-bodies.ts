import { MbprovError } from '@mbprov/core';
import { type Static, Type } from '@sinclair/typebox';
import type { PlanConfig } from '../../config/schema.ts';
import { type Plan, planRow } from '../../storage/plans.ts';
import { Nullable } from './nullable.ts';

// The fields of a plan definition, spelled as in the configuration's `plans` and in the answers (presenters/plan.ts).
// The optional ones take null for "none", as the answers show them: an answer is a body.
const id = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const definition = {
  name: Type.String({ minLength: 1, maxLength: 60 }),
  nameJa: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 60 }))),
  planType: Type.Union([Type.Literal('Unrestricted'), Type.Literal('Fixed'), Type.Literal('Variable')]),
  dataLimitMb: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  durationDays: Type.Integer({ minimum: 1, maximum: 730 }),
  bandwidthKbps: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 2_000_000 }))),
  priceMinor: Type.Integer({ minimum: 0 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  kind: Type.Optional(
    Type.Union([Type.Literal('mobile'), Type.Literal('wifi')], {
      description:
        'Who it is sold to: mobile (SIM customers, the default) or wifi (customers without a SIM).',
    }),
  ),
};

/** POST /api/v1/plans: a new plan (an answer without its read-only status and updatedAt). */
export const PlanBody = Type.Object({ id, ...definition }, { additionalProperties: false });
/** A new plan's body. */
export type PlanBody = Static<typeof PlanBody>;

/**
 * PATCH /api/v1/plans/{id}: the fields to change; null clears an optional one (JSON merge patch). A whole answer
 * may be sent back: its id, status and updatedAt must then be the stored ones.
 */
export const PlanPatch = Type.Partial(
  Type.Object({
    id,
    ...definition,
    status: Type.String({ description: 'Read-only: when given, the stored status.' }),
    updatedAt: Type.String({
      format: 'date-time',
      description:
        'When given, the stored one (the copy is current); else 409 MBPROV_API_CHANGED_SINCE_READ.',
    }),
  }),
  { additionalProperties: false },
);
/** A plan patch. */
export type PlanPatch = Static<typeof PlanPatch>;

/** The definition, refused when it cannot be sold as it is (a Fixed plan needs its allowance). */
function checked(plan: PlanConfig): PlanConfig {
  if (plan.planType === 'Fixed' && plan.dataLimitMb === undefined)
    throw new MbprovError('MBPROV_API_BAD_REQUEST', 'A Fixed plan needs dataLimitMb.');
  return plan;
}

/** The definition of a new plan's body (nulls are absent fields). */
export function newPlanDefinition(body: PlanBody): PlanConfig {
  return checked({
    id: body.id,
    name: body.name,
    ...(body.nameJa != null ? { nameJa: body.nameJa } : {}),
    planType: body.planType,
    ...(body.dataLimitMb != null ? { dataLimitMb: body.dataLimitMb } : {}),
    durationDays: body.durationDays,
    ...(body.bandwidthKbps != null ? { bandwidthKbps: body.bandwidthKbps } : {}),
    priceMinor: body.priceMinor,
    currency: body.currency,
    kind: body.kind ?? 'mobile',
  });
}

/** The patch's value of an optional field: absent keeps the stored one, null clears it. */
function optional<T>(given: T | null | undefined, stored: T | null): T | undefined {
  const value = given === undefined ? stored : given;
  return value ?? undefined;
}

/**
 * The definition a patch makes of a stored plan. The read-only fields a copy of an answer carries must be the
 * stored ones: another id or status is a 400 (a plan is retired by its own call), another updatedAt a 409 (the copy
 * is older than the plan, and writing it back would undo the changes made since).
 */
export function patchedPlanDefinition(plan: Plan, patch: PlanPatch): PlanConfig {
  if (patch.updatedAt !== undefined && Date.parse(patch.updatedAt) !== Date.parse(plan.updated_at))
    throw new MbprovError(
      'MBPROV_API_CHANGED_SINCE_READ',
      `Plan ${plan.id} changed at ${plan.updated_at}, after the copy sent back (updatedAt ${patch.updatedAt}).`,
    );
  if (patch.id !== undefined && patch.id !== plan.id)
    throw new MbprovError('MBPROV_API_BAD_REQUEST', `id is read-only: this is plan ${plan.id}.`);
  if (patch.status !== undefined && patch.status !== plan.status)
    throw new MbprovError(
      'MBPROV_API_BAD_REQUEST',
      `status is read-only (${plan.status}): POST /api/v1/plans/${plan.id}/retire retires a plan.`,
    );
  const nameJa = optional(patch.nameJa, plan.name_ja);
  const dataLimitMb = optional(patch.dataLimitMb, plan.data_limit_mb);
  const bandwidthKbps = optional(patch.bandwidthKbps, plan.bandwidth_kbps);
  return checked({
    id: plan.id,
    name: patch.name ?? plan.name,
    ...(nameJa !== undefined ? { nameJa } : {}),
    // Stored rows were written from a checked definition, so plan_type is one of its three types.
    planType: patch.planType ?? (plan.plan_type as PlanConfig['planType']),
    ...(dataLimitMb !== undefined ? { dataLimitMb } : {}),
    durationDays: patch.durationDays ?? plan.duration_days,
    ...(bandwidthKbps !== undefined ? { bandwidthKbps } : {}),
    priceMinor: patch.priceMinor ?? plan.price_minor,
    currency: patch.currency ?? plan.currency,
    kind: patch.kind ?? (plan.kind as PlanConfig['kind']),
  });
}

/** Whether storing the definition would change the plan (an answer sent back unchanged does not). */
export function changesPlan(plan: Plan, definition: PlanConfig): boolean {
  const { status: _status, updated_at: _at, ...row } = planRow(definition, plan.updated_at);
  return (Object.keys(row) as Array<keyof typeof row>).some((field) => row[field] !== plan[field]);
}
