import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../../context.ts';
import type { RateLimits } from '../../rate-limits/rate-limits.ts';
import { auditRoutes } from './audit.ts';
import { cosaRoutes } from './cosa.ts';
import { documentRoutes } from './documents.ts';
import { guards } from './guard.ts';
import { metricsRoutes } from './metrics.ts';
import { planRoutes } from './plans.ts';
import { policyRoutes } from './policy.ts';
import { radiusRoutes } from './radius.ts';
import { simRoutes } from './sims.ts';
import { smdpNotificationRoutes } from './smdp-notifications.ts';
import { subscriberRoutes } from './subscribers.ts';
import { usageRoutes } from './usage.ts';
import { voucherRoutes } from './vouchers.ts';

/**
 * Registers the back-office API (/api/v1 and /metrics): usage updates, walled-garden policy, catalog, SIM
 * inventory, subscribers, documents, audit, COSA, FreeRADIUS's rest module, the SM-DP+'s ES2+ notifications. In this order, which is the order of the OpenAPI document. The
 * guard counts its limits in `limits`, the server's.
 */
export function apiRoutes(app: FastifyInstance, ctx: PortalContext, limits: RateLimits): void {
  // One guard for all: a key's requests count together, whatever the resource.
  const guard = guards(ctx, limits);
  for (const routes of [
    usageRoutes,
    policyRoutes,
    planRoutes,
    simRoutes,
    subscriberRoutes,
    documentRoutes,
    auditRoutes,
    cosaRoutes,
    radiusRoutes,
    metricsRoutes,
    voucherRoutes,
    smdpNotificationRoutes,
  ]) {
    routes(app, ctx, guard);
  }
}
