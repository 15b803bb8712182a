import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../../context.ts';
import { cosaEntries, toCosaCsv, toCosaJson } from '../../cosa/export.ts';
import { simIdentifiers } from '../../storage/sims.ts';
import { sendAttachment } from './attachment.ts';
import type { Guard } from './guard.ts';

const CosaQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')])),
});

/** GET /api/v1/cosa: the operator's COSA/APN database entries, as CSV or JSON. */
export function cosaRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  app.get<{ Querystring: Static<typeof CosaQuery> }>(
    '/api/v1/cosa',
    {
      preHandler: guard('cosa:read'),
      schema: {
        tags: ['cosa'],
        summary: 'The operator’s COSA/APN database entries, for submission (?format=csv|json).',
        querystring: CosaQuery,
      },
    },
    async (request, reply) => {
      // The whole inventory: SIMs imported through the back office count as much as the configured ones.
      const sims = await simIdentifiers(ctx.store.db);
      const entries = cosaEntries(ctx.config, { sims });
      if (request.query.format === 'csv')
        return sendAttachment(reply, 'text/csv; charset=utf-8', 'cosa.csv', toCosaCsv(entries));
      return reply.header('content-type', 'application/json; charset=utf-8').send(toCosaJson(entries));
    },
  );
}
