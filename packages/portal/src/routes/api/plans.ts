import { MbprovError } from '@mbprov/core';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../../context.ts';
import {
  allPlans,
  createPlan,
  getPlan,
  type Plan,
  planRow,
  retirePlan,
  updatePlan,
} from '../../storage/plans.ts';
import { recordChange } from './audit-trail.ts';
import { ERRORS } from './error-answers.ts';
import type { Guard } from './guard.ts';
import { Nullable } from './nullable.ts';

/** A catalog row, as stored. */
const PlanRow = Type.Object({
  id: Type.String(),
  name: Type.String(),
  name_ja: Nullable(Type.String()),
  plan_type: Type.String({ description: 'Unrestricted, Fixed or Variable.' }),
  data_limit_mb: Nullable(Type.Number()),
  duration_days: Type.Integer(),
  bandwidth_kbps: Nullable(Type.Integer()),
  price_minor: Type.Integer(),
  currency: Type.String(),
  status: Type.String({ description: 'active or retired.' }),
  updated_at: Type.String({ format: 'date-time' }),
});
const PlanBody = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    nameJa: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    planType: Type.Union([Type.Literal('Unrestricted'), Type.Literal('Fixed'), Type.Literal('Variable')]),
    dataLimitMb: Type.Optional(Type.Integer({ minimum: 1 })),
    durationDays: Type.Integer({ minimum: 1, maximum: 730 }),
    bandwidthKbps: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_000_000 })),
    priceMinor: Type.Integer({ minimum: 0 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  },
  { additionalProperties: false },
);
type PlanBody = Static<typeof PlanBody>;
const PlanPatch = Type.Partial(Type.Omit(PlanBody, ['id']), { additionalProperties: false });
type PlanPatch = Static<typeof PlanPatch>;
type ById = { Params: { id: string } };

/** The plan a patch makes of a stored one, in the shape of a new plan's body. */
function patched(plan: Plan, patch: PlanPatch): PlanBody {
  const nameJa = patch.nameJa ?? plan.name_ja;
  const dataLimitMb = patch.dataLimitMb ?? plan.data_limit_mb;
  const bandwidthKbps = patch.bandwidthKbps ?? plan.bandwidth_kbps;
  return {
    id: plan.id,
    name: patch.name ?? plan.name,
    ...(nameJa ? { nameJa } : {}),
    // Stored rows were written from a PlanBody, so plan_type is one of its three types.
    planType: patch.planType ?? (plan.plan_type as PlanBody['planType']),
    ...(dataLimitMb !== null ? { dataLimitMb } : {}),
    durationDays: patch.durationDays ?? plan.duration_days,
    ...(bandwidthKbps !== null ? { bandwidthKbps } : {}),
    priceMinor: patch.priceMinor ?? plan.price_minor,
    currency: patch.currency ?? plan.currency,
  };
}

/** The catalog: list, add, change and retire plans under /api/v1/plans. */
export function planRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  const { db } = ctx.store;
  const now = () => ctx.clock().toISOString();
  const noPlan = (id: string) => new MbprovError('MBPROV_NOT_FOUND', `No plan ${id}.`);

  app.get(
    '/api/v1/plans',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'The whole catalog, retired plans included.',
        response: { 200: Type.Object({ plans: Type.Array(PlanRow) }), ...ERRORS },
      },
    },
    async () => ({ plans: await allPlans(db) }),
  );

  app.post<{ Body: PlanBody }>(
    '/api/v1/plans',
    {
      preHandler: guard('plans:write'),
      schema: { tags: ['plans'], summary: 'Add a plan to the catalog.', body: PlanBody },
    },
    async (request, reply) => {
      const { body } = request;
      if (body.planType === 'Fixed' && body.dataLimitMb === undefined)
        throw new MbprovError('MBPROV_API_BAD_REQUEST', 'A Fixed plan needs dataLimitMb.');
      if (!(await createPlan(db, { id: body.id, ...planRow(body, now()) })))
        throw new MbprovError('MBPROV_PLAN_UNAVAILABLE', `Plan ${body.id} exists already.`);
      await recordChange(ctx, request, { action: 'plan.create', target: body.id, details: body });
      return reply.code(201).send(await getPlan(db, body.id));
    },
  );

  app.patch<ById & { Body: PlanPatch }>(
    '/api/v1/plans/:id',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'Change a plan; the documents of its subscribers are signed again in the background.',
        body: PlanPatch,
      },
    },
    async (request) => {
      const plan = await getPlan(db, request.params.id);
      if (!plan) throw noPlan(request.params.id);
      await updatePlan(db, {
        id: plan.id,
        ...planRow(patched(plan, request.body), now()),
        status: plan.status,
      });
      await recordChange(ctx, request, { action: 'plan.update', target: plan.id, details: request.body });
      await ctx.queue?.enqueue(
        'regenerate-documents',
        { reason: `plan ${plan.id} changed` },
        { singletonKey: 'catalog' },
      );
      return getPlan(db, plan.id);
    },
  );

  app.post<ById>(
    '/api/v1/plans/:id/retire',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'Stop selling a plan (active subscriptions keep it until they end).',
      },
    },
    async (request) => {
      if (!(await retirePlan(db, request.params.id, now()))) throw noPlan(request.params.id);
      await recordChange(ctx, request, { action: 'plan.retire', target: request.params.id });
      return getPlan(db, request.params.id);
    },
  );
}
