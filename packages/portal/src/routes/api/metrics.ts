import { MbprovError } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../../context.ts';
import type { Guard } from './guard.ts';

/** GET /metrics: the Prometheus metrics, behind an API key like the rest of the back office. */
export function metricsRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  app.get(
    '/metrics',
    { preHandler: guard('metrics:read'), schema: { hide: true } },
    async (_request, reply) => {
      if (!ctx.metrics) throw new MbprovError('MBPROV_NOT_FOUND', 'Metrics are off.');
      return reply
        .header('content-type', ctx.metrics.registry.contentType)
        .send(await ctx.metrics.registry.metrics());
    },
  );
}
