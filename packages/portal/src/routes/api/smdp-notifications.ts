import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../../context.ts';
import { applyDownloadProgress } from '../../esim/download-progress.ts';
import {
  ADMIN_PROTOCOL,
  ADMIN_PROTOCOL_HEADER,
  ADMIN_PROTOCOL_PATTERN,
  ES2PLUS_PATH,
  type ExecutionStatusBody,
} from '../../esim/es2plus-wire.ts';
import { SMDP_STATUS } from '../../esim/smdp.ts';
import { ERRORS } from './error-answers.ts';
import type { Guard } from './guard.ts';

const Refused = Type.Object({
  header: Type.Object({
    functionExecutionStatus: Type.Object({
      status: Type.Literal('Failed'),
      statusCodeData: Type.Object({
        subjectCode: Type.String(),
        reasonCode: Type.String(),
        message: Type.Optional(Type.String()),
      }),
    }),
  }),
});

/**
 * POST /gsma/rsp2/es2plus/handleDownloadProgressInfo: the SM-DP+ reports a download's progress (ES2+, SGP.22
 * 5.3.5) at the path the specification gives, so that the SM-DP+ is configured with the portal's public URL alone.
 * The SM-DP+ authenticates with an API key of scope `smdp` (Bearer, or the HTTP Basic password): the portal's TLS
 * serves browsers too and often ends at a load balancer, so it cannot ask for client certificates. Registered only
 * when `esim` is configured. Success is 204 without a body (SGP.22 6.5.1 for a notification); a refusal is 200 with
 * the ES2+ header, Failed with the subject and reason codes, and nothing written.
 */
export function smdpNotificationRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  if (!ctx.config.esim) return;
  app.post(
    `${ES2PLUS_PATH}/handleDownloadProgressInfo`,
    {
      preHandler: guard('smdp', { basic: true }),
      schema: {
        tags: ['esim'],
        summary:
          "ES2+ HandleDownloadProgressInfo from the operator's SM-DP+: moves the profile to downloaded, installed or failed; idempotent.",
        response: { 204: Type.Null(), 200: Refused, ...ERRORS },
      },
    },
    async (request, reply) => {
      reply.header(ADMIN_PROTOCOL_HEADER, ADMIN_PROTOCOL);
      const protocol = request.headers[ADMIN_PROTOCOL_HEADER];
      const status: ExecutionStatusBody =
        typeof protocol === 'string' && ADMIN_PROTOCOL_PATTERN.test(protocol)
          ? await applyDownloadProgress(ctx, request.body)
          : {
              status: 'Failed',
              statusCodeData: {
                ...SMDP_STATUS.parameterInvalid,
                message: 'X-Admin-Protocol must be gsma/rsp/v2.x.y',
              },
            };
      if (status.status === 'Executed-Success') return reply.code(204).send();
      return reply.code(200).send({ header: { functionExecutionStatus: status } });
    },
  );
}
