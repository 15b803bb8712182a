import { randomUUID } from 'node:crypto';
import { buildDocument, MbprovError, validateModel } from '@mbprov/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { fullModel } from '../../activation/issue.ts';
import type { PortalContext } from '../../context.ts';
import { getPlan } from '../../storage/plans.ts';
import { subscriberById } from '../../storage/subscribers.ts';
import { latestSubscription } from '../../storage/subscriptions.ts';
import { recordChange } from './audit-trail.ts';
import { ERRORS, ErrorBody } from './error-answers.ts';
import type { Guard } from './guard.ts';

/** A finding of the document's validation (core's Diagnostic). */
const Diagnostic = Type.Object({
  code: Type.String({ description: 'An MBPROV_* code of docs/error-codes.md.' }),
  severity: Type.String({ description: 'error or warning.' }),
  message: Type.String(),
  line: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.Integer()),
  path: Type.Optional(Type.String({ description: 'The element, e.g. /CarrierProvisioning/Plans/Plan[1].' })),
});
const PreviewAnswer = Type.Object({
  valid: Type.Boolean(),
  diagnostics: Type.Array(Diagnostic),
  xml: Type.String({ description: 'The unsigned document, its credentials masked.' }),
});
const RegenerateAnswer = Type.Object({
  accepted: Type.Boolean(),
  queueDepth: Type.Integer({ description: 'Jobs waiting, this one included.' }),
});

/** Provisioning documents: preview one subscriber's, and sign every active subscriber's again. */
export function documentRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  const { db } = ctx.store;

  app.get<{ Params: { id: string } }>(
    '/api/v1/subscribers/:id/document/preview',
    {
      preHandler: guard('subscribers:read'),
      schema: {
        tags: ['documents'],
        summary: 'The full document the subscriber would get now, validated, unsigned, credentials masked.',
        response: { 200: PreviewAnswer, 404: ErrorBody, ...ERRORS },
      },
    },
    async (request) => {
      const subscriber = await subscriberById(db, request.params.id);
      const subscription = subscriber ? await latestSubscription(db, subscriber.id) : undefined;
      const plan = subscription ? await getPlan(db, subscription.plan_id) : undefined;
      if (!subscriber || !subscription || !plan)
        throw new MbprovError('MBPROV_NOT_FOUND', 'The subscriber has no plan to build a document from.');
      const model = fullModel(ctx, subscriber, subscription, plan, true);
      const validation = validateModel(model);
      return { valid: validation.valid, diagnostics: validation.diagnostics, xml: buildDocument(model) };
    },
  );

  app.post(
    '/api/v1/documents/regenerate',
    {
      preHandler: guard('documents:write'),
      schema: {
        tags: ['documents'],
        summary:
          'Sign every active subscriber’s document again (after a certificate rotation or a configuration change), in the background.',
        response: { 202: RegenerateAnswer, ...ERRORS },
      },
    },
    async (request, reply) => {
      if (!ctx.queue) throw new MbprovError('MBPROV_IO_ERROR', 'No job queue is running.');
      const job = randomUUID();
      await ctx.queue.enqueue(
        'regenerate-documents',
        { reason: 'requested', job },
        { singletonKey: 'requested' },
      );
      await recordChange(ctx, request, { action: 'documents.regenerate', target: 'all-active' });
      return reply.code(202).send({ accepted: true, queueDepth: await ctx.queue.depth() });
    },
  );
}
