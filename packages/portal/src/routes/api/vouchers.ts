import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { issueVouchers } from '../../activation/vouchers.ts';
import type { PortalContext } from '../../context.ts';
import { recordChange } from './audit-trail.ts';
import { ERRORS, ErrorBody } from './error-answers.ts';
import type { Guard } from './guard.ts';

const VoucherRequest = Type.Object(
  {
    planId: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'A Wi-Fi plan on sale.' }),
    count: Type.Integer({ minimum: 1, maximum: 10_000, description: 'How many vouchers to issue.' }),
    validDays: Type.Integer({ minimum: 1, maximum: 3650, description: 'Days until the vouchers expire.' }),
  },
  { additionalProperties: false },
);

const VoucherBatchAnswer = Type.Object({
  batchId: Type.String(),
  planId: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  codes: Type.Array(Type.String(), {
    description: 'The codes, shown this once: the portal keeps only keyed hashes of them.',
  }),
});

/** Voucher batches: POST /api/v1/vouchers issues codes for a Wi-Fi plan (docs/hotspot.md). */
export function voucherRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  app.post<{ Body: { planId: string; count: number; validDays: number } }>(
    '/api/v1/vouchers',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['vouchers'],
        summary:
          'Issue a batch of single-use voucher codes for a Wi-Fi plan; each activates the plan without payment once.',
        body: VoucherRequest,
        response: { 201: VoucherBatchAnswer, 409: ErrorBody, ...ERRORS },
      },
    },
    async (request, reply) => {
      const batch = await issueVouchers(ctx, request.body);
      // The audit trail names the batch, never a code.
      await recordChange(ctx, request, {
        action: 'vouchers.issue',
        target: batch.batchId,
        details: { planId: batch.planId, count: batch.codes.length, expiresAt: batch.expiresAt },
      });
      return reply.code(201).send(batch);
    },
  );
}
