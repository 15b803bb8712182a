import { MbprovError } from '@mbprov/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../../context.ts';
import { allPlans, createPlan, getPlan, planRow, retirePlan, updatePlan } from '../../storage/plans.ts';
import { recordChange } from './audit-trail.ts';
import { ERRORS, ErrorBody } from './error-answers.ts';
import type { Guard } from './guard.ts';
import { changesPlan, newPlanDefinition, PlanBody, PlanPatch, patchedPlanDefinition } from './plan-bodies.ts';
import { PlanAnswer, presentPlan } from './presenters/plan.ts';

type ById = { Params: { id: string } };
const ONE_PLAN = { 200: PlanAnswer, 404: ErrorBody, ...ERRORS };

/** The catalog: list, read, add, change and retire plans under /api/v1/plans. */
export function planRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  const { db } = ctx.store;
  const now = () => ctx.clock().toISOString();
  const noPlan = (id: string) => new MbprovError('MBPROV_NOT_FOUND', `No plan ${id}.`);
  /** The answer of a plan by id, or the 404. */
  const answer = async (id: string) => {
    const plan = await getPlan(db, id);
    if (!plan) throw noPlan(id);
    return presentPlan(plan);
  };

  app.get(
    '/api/v1/plans',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'The whole catalog, retired plans included.',
        response: { 200: Type.Object({ plans: Type.Array(PlanAnswer) }), ...ERRORS },
      },
    },
    async () => ({ plans: (await allPlans(db)).map(presentPlan) }),
  );

  app.get<ById>(
    '/api/v1/plans/:id',
    {
      preHandler: guard('plans:write'),
      schema: { tags: ['plans'], summary: 'One plan of the catalog, retired or not.', response: ONE_PLAN },
    },
    async (request) => answer(request.params.id),
  );

  app.post<{ Body: PlanBody }>(
    '/api/v1/plans',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'Add a plan to the catalog.',
        body: PlanBody,
        response: { 201: PlanAnswer, 409: ErrorBody, ...ERRORS },
      },
    },
    async (request, reply) => {
      const plan = newPlanDefinition(request.body);
      if (!(await createPlan(db, { id: plan.id, ...planRow(plan, now()) })))
        throw new MbprovError('MBPROV_PLAN_UNAVAILABLE', `Plan ${plan.id} exists already.`);
      await recordChange(ctx, request, { action: 'plan.create', target: plan.id, details: request.body });
      return reply.code(201).send(await answer(plan.id));
    },
  );

  app.patch<ById & { Body: PlanPatch }>(
    '/api/v1/plans/:id',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary:
          'Change a plan (a GET answer may be sent back whole); the documents of its subscribers are signed again in the background.',
        body: PlanPatch,
        response: { ...ONE_PLAN, 409: ErrorBody },
      },
    },
    async (request) => {
      const plan = await getPlan(db, request.params.id);
      if (!plan) throw noPlan(request.params.id);
      const definition = patchedPlanDefinition(plan, request.body);
      // Nothing to write, record or sign again: an answer sent back unchanged leaves the plan as it is.
      if (!changesPlan(plan, definition)) return presentPlan(plan);
      const row = { id: plan.id, ...planRow(definition, now()), status: plan.status };
      if (!(await updatePlan(db, row, plan.updated_at)))
        throw new MbprovError(
          'MBPROV_API_CHANGED_SINCE_READ',
          `Plan ${plan.id} changed while this change was made; read it again.`,
        );
      await recordChange(ctx, request, { action: 'plan.update', target: plan.id, details: request.body });
      await ctx.queue?.enqueue(
        'regenerate-documents',
        { reason: `plan ${plan.id} changed` },
        { singletonKey: 'catalog' },
      );
      return answer(plan.id);
    },
  );

  app.post<ById>(
    '/api/v1/plans/:id/retire',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'Stop selling a plan (active subscriptions keep it until they end).',
        response: ONE_PLAN,
      },
    },
    async (request) => {
      if (!(await retirePlan(db, request.params.id, now()))) throw noPlan(request.params.id);
      await recordChange(ctx, request, { action: 'plan.retire', target: request.params.id });
      return answer(request.params.id);
    },
  );
}
