import { MbprovError } from '@mbprov/core';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { policyFor, walledGardenHosts } from '../../backoffice/policy.ts';
import type { PortalContext } from '../../context.ts';
import { MOBILE_PLANS_WALLED_GARDEN } from '../../mobile-plans/walled-garden.ts';
import { sendAttachment } from './attachment.ts';
import { ERRORS } from './error-answers.ts';
import { givenIdentifiers } from './given-identifiers.ts';
import type { Guard } from './guard.ts';

const PolicyQuery = Type.Object({
  imsi: Type.Optional(Type.String()),
  iccid: Type.Optional(Type.String()),
  min: Type.Optional(Type.String({ description: 'CDMA MIN or MIN(IRM).' })),
});
const PolicyAnswer = Type.Object({
  iccid: Type.Optional(Type.String()),
  imsi: Type.Optional(Type.String()),
  min: Type.Optional(Type.String()),
  internet: Type.Boolean({ description: 'Whether the SIM may reach the internet now.' }),
  reason: Type.Union(
    ['active', 'no-plan', 'expired', 'exhausted', 'suspended', 'unknown-sim'].map((r) => Type.Literal(r)),
  ),
  plan: Type.Optional(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      endsAt: Type.String({ format: 'date-time' }),
      usageMegabytes: Type.Number(),
      dataLimitMegabytes: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  allowedHosts: Type.Array(Type.String(), {
    description: 'Always reachable: the portal, payment and certificate revocation hosts.',
  }),
  connectivityTest: Type.Object({
    allowed: Type.Boolean(),
    hosts: Type.Array(Type.String(), { description: 'The hosts Windows tests connectivity with.' }),
  }),
});
const WalledGardenQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('json')])),
});

/** GET /api/v1/policy and /api/v1/walled-garden: what the gateway lets through, per subscriber and for all. */
export function policyRoutes(app: FastifyInstance, ctx: PortalContext, guard: Guard): void {
  app.get<{ Querystring: Static<typeof PolicyQuery> }>(
    '/api/v1/policy',
    {
      preHandler: guard('policy:read'),
      schema: {
        tags: ['policy'],
        summary: 'Whether a subscriber may reach the internet, for the gateway.',
        querystring: PolicyQuery,
        response: { 200: PolicyAnswer, ...ERRORS },
      },
    },
    async (request) => {
      const by = givenIdentifiers(request.query);
      if (Object.keys(by).length === 0)
        throw new MbprovError('MBPROV_API_BAD_REQUEST', 'Give imsi, iccid or min.');
      return policyFor(ctx, by);
    },
  );

  app.get<{ Querystring: Static<typeof WalledGardenQuery> }>(
    '/api/v1/walled-garden',
    {
      preHandler: guard('policy:read'),
      schema: {
        tags: ['policy'],
        summary:
          'Hosts reachable without a plan, for firewalls and proxies (text: one per line; ?format=json).',
        querystring: WalledGardenQuery,
        // The JSON form's; the text form is sent as it is.
        response: {
          200: Type.Object({
            hosts: Type.Array(Type.String()),
            mobilePlans: Type.Optional(
              Type.Array(Type.Object({ host: Type.String(), http: Type.Boolean(), https: Type.Boolean() }), {
                description:
                  'With mobilePlans.enabled: the Mobile Plans endpoints and the schemes each needs.',
              }),
            ),
          }),
          ...ERRORS,
        },
      },
    },
    async (request, reply) => {
      const hosts = walledGardenHosts(ctx);
      if (request.query.format === 'json')
        return {
          hosts,
          ...(ctx.config.mobilePlans.enabled ? { mobilePlans: MOBILE_PLANS_WALLED_GARDEN } : {}),
        };
      return sendAttachment(reply, 'text/plain; charset=utf-8', 'walled-garden.txt', `${hosts.join('\n')}\n`);
    },
  );
}
