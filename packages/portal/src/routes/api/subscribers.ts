import { MbprovError } from '@mbprov/core';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { refreshUrl } from '../../activation/issue.ts';
import type { PortalContext } from '../../context.ts';
import { latestDocument } from '../../storage/documents.ts';
import { findSim, simByMsisdn } from '../../storage/sims.ts';
import { setSubscriberStatus, subscriberById, subscriberBySim } from '../../storage/subscribers.ts';
import { subscriptionsOf } from '../../storage/subscriptions.ts';
import { recordChange } from './audit-trail.ts';
import { ERRORS, ErrorBody } from './error-answers.ts';
import { givenIdentifiers } from './given-identifiers.ts';
import type { Guard } from './guard.ts';
import { Nullable } from './nullable.ts';

const ByIdentifier = Type.Object({
  iccid: Type.Optional(Type.String()),
  imsi: Type.Optional(Type.String()),
  min: Type.Optional(Type.String({ description: 'CDMA MIN or MIN(IRM).' })),
  msisdn: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
});
/** A subscriber as the back office may see it: what is listed here and nothing else (no credential hash). */
const SubscriberAnswer = Type.Object({
  subscriber: Type.Object({
    id: Type.String(),
    sim_id: Type.String({ description: 'The inventory row.' }),
    iccid: Nullable(Type.String()),
    imsi: Nullable(Type.String()),
    min: Nullable(Type.String({ description: 'CDMA MIN or MIN(IRM).' })),
    device_id: Nullable(Type.String()),
    refresh_user: Type.String(),
    credential_version: Type.Integer(),
    status: Type.String({ description: 'active, or suspended by the operator.' }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    refreshUrl: Type.String(),
  }),
  subscriptions: Type.Array(
    Type.Object({
      id: Type.String(),
      subscriber_id: Type.String(),
      plan_id: Type.String(),
      status: Type.String({ description: 'active, expired, exhausted or suspended.' }),
      starts_at: Type.String({ format: 'date-time' }),
      ends_at: Type.String({ format: 'date-time' }),
      data_limit_mb: Nullable(Type.Number()),
      usage_mb: Type.Number(),
      usage_at: Nullable(Type.String({ format: 'date-time' })),
      checkout_id: Type.String(),
      created_at: Type.String({ format: 'date-time' }),
    }),
  ),
  latestDocument: Nullable(
    Type.Object({
      version: Type.Integer(),
      kind: Type.String({ description: 'full or usage.' }),
      etag: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
    }),
  ),
});

/** GET /api/v1/subscribers and the operator's suspend and resume of one subscriber. */
export function subscriberRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  const { db } = ctx.store;

  /** The subscriber the query names: by id, else by MSISDN, else by ICCID, IMSI or MIN. */
  const find = async (q: Static<typeof ByIdentifier>) => {
    const found = q.id ? await subscriberById(db, q.id) : undefined;
    if (found) return found;
    const by = givenIdentifiers(q);
    if (!q.msisdn && Object.keys(by).length === 0) return undefined;
    const sim = q.msisdn ? await simByMsisdn(db, q.msisdn) : await findSim(db, by);
    return sim ? subscriberBySim(db, sim.id) : undefined;
  };

  app.get<{ Querystring: Static<typeof ByIdentifier> }>(
    '/api/v1/subscribers',
    {
      preHandler: guard('subscribers:read'),
      schema: {
        tags: ['subscribers'],
        summary: 'Find a subscriber by ICCID, IMSI, MIN, MSISDN or id.',
        querystring: ByIdentifier,
        response: { 200: SubscriberAnswer, 404: ErrorBody, ...ERRORS },
      },
    },
    async (request) => {
      const subscriber = await find(request.query);
      if (!subscriber) throw new MbprovError('MBPROV_NOT_FOUND', 'No subscriber matches.');
      const subscriptions = await subscriptionsOf(db, subscriber.id);
      const document = await latestDocument(db, subscriber.id);
      const { refresh_password_hash: _hash, ...visible } = subscriber;
      return {
        subscriber: { ...visible, refreshUrl: refreshUrl(ctx, subscriber) },
        subscriptions,
        latestDocument: document
          ? {
              version: document.version,
              kind: document.kind,
              etag: document.etag,
              createdAt: document.created_at,
            }
          : null,
      };
    },
  );

  for (const action of ['suspend', 'resume'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/subscribers/:id/${action}`,
      {
        preHandler: guard('subscribers:write'),
        schema: {
          tags: ['subscribers'],
          summary:
            action === 'suspend'
              ? 'Cut internet access whatever the plan (policy says suspended).'
              : 'Restore a suspended subscriber.',
        },
      },
      async (request) => {
        const { id } = request.params;
        const status = action === 'suspend' ? 'suspended' : 'active';
        if (!(await setSubscriberStatus(db, id, status, ctx.clock().toISOString())))
          throw new MbprovError('MBPROV_NOT_FOUND', `No subscriber ${id}.`);
        await recordChange(ctx, request, { action: `subscriber.${action}`, target: id });
        return { id, status };
      },
    );
  }
}
