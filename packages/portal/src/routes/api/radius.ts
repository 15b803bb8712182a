import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PortalContext } from '../../context.ts';
import { account } from '../../hotspot/accounting.ts';
import { authorize } from '../../hotspot/authorize.ts';
import { RestAttributes } from '../../hotspot/rest-attributes.ts';
import { ERRORS } from './error-answers.ts';
import type { Guard } from './guard.ts';

// The answers are rest-module bodies: attribute names with their list ("control:", "reply:") and values.
const Accept = Type.Object({
  'control:Cleartext-Password': Type.String({ description: "The subscriber's hotspot password." }),
  'reply:Session-Timeout': Type.Integer({ description: 'Seconds until the plan ends.' }),
  'reply:Acct-Interim-Interval': Type.Integer({ description: 'radius.interimIntervalSeconds.' }),
});
const Refusal = Type.Object({
  'reply:Reply-Message': Type.String({
    description: 'Why: no plan, ended, no data left, suspended, unknown.',
  }),
});
const PostAuthQuery = Type.Object({
  result: Type.String({ enum: ['Accept', 'Reject'], description: 'Post-Auth-Type: Reject, else Accept.' }),
});
const AccountingAnswer = Type.Object({
  result: Type.String({ enum: ['applied', 'unchanged', 'unknown-user', 'nas-restart', 'ignored'] }),
});

/** The first User-Name of a request, '' when it has none (an unknown user). */
const userNameOf = (body: Static<typeof RestAttributes>) => String(body['User-Name']?.value[0] ?? '');

/**
 * POST /api/v1/radius/authorize, /post-auth and /accounting: FreeRADIUS's rest module (docs/hotspot.md). The key
 * (scope radius) may come as the HTTP Basic password, the only credential rlm_rest sends.
 */
export function radiusRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  const preHandler = guard('radius', { basic: true });
  const tags = ['radius'];

  app.post<{ Body: Static<typeof RestAttributes> }>(
    '/api/v1/radius/authorize',
    {
      preHandler,
      schema: {
        tags,
        summary:
          "Authorize a User-Name: 200 with the subscriber's password when its plan is active, else 401 (the rest module's reject).",
        body: RestAttributes,
        response: {
          200: Accept,
          401: Type.Union([Refusal, ERRORS[401]]),
          400: ERRORS[400],
          403: ERRORS[403],
          429: ERRORS[429],
        },
      },
    },
    async (request, reply) => {
      const answer = await authorize(ctx, userNameOf(request.body));
      ctx.metrics?.radiusAuthorize.inc({ reason: answer.reason });
      if (answer.reason !== 'active') return reply.code(401).send({ 'reply:Reply-Message': answer.message });
      return {
        'control:Cleartext-Password': answer.password,
        'reply:Session-Timeout': answer.sessionTimeout,
        'reply:Acct-Interim-Interval': answer.interimInterval,
      };
    },
  );

  app.post<{ Body: Static<typeof RestAttributes>; Querystring: Static<typeof PostAuthQuery> }>(
    '/api/v1/radius/post-auth',
    {
      preHandler,
      schema: {
        tags,
        summary: 'Record the outcome of an authentication (a counter: anonymous traffic grows no table).',
        body: RestAttributes,
        querystring: PostAuthQuery,
        response: { 204: Type.Null(), ...ERRORS },
      },
    },
    async (request, reply) => {
      ctx.metrics?.radiusAuthentications.inc({ result: request.query.result.toLowerCase() });
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Static<typeof RestAttributes> }>(
    '/api/v1/radius/accounting',
    {
      preHandler,
      schema: {
        tags,
        summary:
          "Apply an accounting record (Start, Interim-Update, Stop; Accounting-On/Off): the session's new octets count against the subscriber's plan, once.",
        body: RestAttributes,
        response: { 200: AccountingAnswer, ...ERRORS },
      },
    },
    async (request) => {
      const answer = await account(ctx, request.body);
      ctx.metrics?.radiusAccounting.inc({ result: answer.result });
      return { result: answer.result };
    },
  );
}
