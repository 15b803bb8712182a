import { MbprovError } from '@mbprov/core';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { refreshUrl } from '../../activation/issue.ts';
import type { PortalContext } from '../../context.ts';
import { requestDisconnects } from '../../hotspot/disconnect.ts';
import { latestDocument } from '../../storage/documents.ts';
import { findSim, simByMsisdn } from '../../storage/sims.ts';
import { setSubscriberStatus, subscriberById, subscriberBySim } from '../../storage/subscribers.ts';
import { subscriptionsOf } from '../../storage/subscriptions.ts';
import { recordChange } from './audit-trail.ts';
import { ERRORS, ErrorBody } from './error-answers.ts';
import { givenIdentifiers } from './given-identifiers.ts';
import type { Guard } from './guard.ts';
import { Nullable } from './nullable.ts';
import { DocumentSummary, presentDocumentSummary } from './presenters/document-summary.ts';
import { presentSubscriber, SubscriberAnswer } from './presenters/subscriber.ts';
import { presentSubscription, SubscriptionAnswer } from './presenters/subscription.ts';

const ByIdentifier = Type.Object({
  iccid: Type.Optional(Type.String()),
  imsi: Type.Optional(Type.String()),
  min: Type.Optional(Type.String({ description: 'CDMA MIN or MIN(IRM).' })),
  msisdn: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
});
/** A subscriber found: its record, its plan periods (newest first) and its newest document. */
const SubscriberLookup = Type.Object({
  subscriber: SubscriberAnswer,
  subscriptions: Type.Array(SubscriptionAnswer),
  latestDocument: Nullable(DocumentSummary),
});
const SubscriberStatusAnswer = Type.Object({
  id: Type.String(),
  status: Type.String({ description: 'active or suspended.' }),
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
        response: { 200: SubscriberLookup, 404: ErrorBody, ...ERRORS },
      },
    },
    async (request) => {
      const subscriber = await find(request.query);
      if (!subscriber) throw new MbprovError('MBPROV_NOT_FOUND', 'No subscriber matches.');
      const subscriptions = await subscriptionsOf(db, subscriber.id);
      const document = await latestDocument(db, subscriber.id);
      return {
        subscriber: presentSubscriber(subscriber, refreshUrl(ctx, subscriber)),
        subscriptions: subscriptions.map(presentSubscription),
        latestDocument: document ? presentDocumentSummary(document) : null,
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
          response: { 200: SubscriberStatusAnswer, 404: ErrorBody, ...ERRORS },
        },
      },
      async (request) => {
        const { id } = request.params;
        const status = action === 'suspend' ? 'suspended' : 'active';
        if (!(await setSubscriberStatus(db, id, status, ctx.clock().toISOString())))
          throw new MbprovError('MBPROV_NOT_FOUND', `No subscriber ${id}.`);
        await recordChange(ctx, request, { action: `subscriber.${action}`, target: id });
        if (action === 'suspend') await requestDisconnects(ctx, [id], 'suspended');
        return { id, status };
      },
    );
  }
}
