import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { applyUsageReports } from '../../backoffice/usage.ts';
import type { PortalContext } from '../../context.ts';
import { ERRORS } from './error-answers.ts';
import type { Guard } from './guard.ts';

const UsageBody = Type.Object(
  {
    updates: Type.Array(
      Type.Object(
        {
          iccid: Type.Optional(Type.String({ pattern: '^\\d{19,20}$' })),
          imsi: Type.Optional(Type.String({ pattern: '^\\d{6,15}$' })),
          min: Type.Optional(Type.String({ pattern: '^\\d{10}$', description: 'CDMA MIN or MIN(IRM).' })),
          // Rounded, it must fit the database's 32-bit integer column.
          usageMegabytes: Type.Number({ minimum: 0, maximum: 2_147_483_646 }),
          at: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
const UsageAnswer = Type.Object({
  results: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position of the report in the request.' }),
      // An enum rather than a union of literals: the serializer writes it as it is instead of trying each literal.
      status: Type.String({ enum: ['applied', 'duplicate', 'stale', 'unknown-sim', 'no-plan', 'invalid'] }),
      usageMegabytes: Type.Optional(Type.Number({ description: 'The usage now recorded (applied only).' })),
      exhausted: Type.Optional(Type.Boolean({ description: 'The allowance is used up (applied only).' })),
    }),
  ),
});

/** POST /api/v1/usage: usage reports from billing or the PCRF. */
export function usageRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  app.post<{ Body: Static<typeof UsageBody> }>(
    '/api/v1/usage',
    {
      preHandler: guard('usage:write'),
      // 1,000 reports with every identifier and field written out fit (about 150 bytes each); the global 64 KiB would
      // refuse a batch the schema allows.
      bodyLimit: 256 * 1024,
      schema: {
        tags: ['usage'],
        summary: 'Report usage from billing or the PCRF (idempotent per subscriber and timestamp).',
        body: UsageBody,
        response: { 200: UsageAnswer, ...ERRORS },
      },
    },
    async (request) => {
      const results = await applyUsageReports(ctx, request.body.updates);
      for (const r of results) ctx.metrics?.usageReports.inc({ status: r.status });
      return { results: results.map((r, i) => ({ index: i, ...r })) };
    },
  );
}
