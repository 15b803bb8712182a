import type { FastifyRequest } from 'fastify';
import type { PortalContext } from '../../context.ts';
import { audit } from '../../storage/audit.ts';

/** Records a change made through the API in the audit log, under the name of the caller's key. */
export function recordChange(
  ctx: PortalContext,
  request: FastifyRequest,
  change: { action: string; target: string; details?: object },
): Promise<void> {
  return audit(ctx.store.db, {
    at: ctx.clock().toISOString(),
    actor: request.apiCaller?.name ?? 'unknown',
    ...change,
  });
}
