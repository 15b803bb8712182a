import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../../context.ts';
import { recentAudit } from '../../storage/audit.ts';
import { ERRORS } from './error-answers.ts';
import type { Guard } from './guard.ts';
import { AuditEntryAnswer, presentAuditEntry } from './presenters/audit-entry.ts';

const AuditQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) });

/** GET /api/v1/audit: the changes made through the back office, newest first. */
export function auditRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/v1/audit',
    {
      preHandler: guard('audit:read'),
      schema: {
        tags: ['audit'],
        summary: 'Changes made through the back office, newest first.',
        querystring: AuditQuery,
        response: { 200: Type.Object({ entries: Type.Array(AuditEntryAnswer) }), ...ERRORS },
      },
    },
    async (request) => {
      const rows = await recentAudit(ctx.store.db, request.query.limit ?? 100);
      return { entries: rows.map(presentAuditEntry) };
    },
  );
}
