import { randomUUID } from 'node:crypto';
import type {} from '@fastify/swagger';
import { buildDocument, MbprovError, validateModel } from '@mbprov/core';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fullModel, refreshUrl } from '../activation/issue.ts';
import { type ApiCaller, allows, authenticate, type Scope } from '../backoffice/api-keys.ts';
import { policyFor, walledGardenHosts } from '../backoffice/policy.ts';
import { SIM_REJECTION_CODES } from '../backoffice/sims-csv.ts';
import { importSims } from '../backoffice/sims-import.ts';
import { LISTED_REJECTIONS } from '../backoffice/sims-import-report.ts';
import { applyUsageReports } from '../backoffice/usage.ts';
import type { PortalContext } from '../context.ts';
import { cosaEntries, toCosaCsv, toCosaJson } from '../cosa/export.ts';
import { MinuteCounter } from '../security/minute-counter.ts';
import { audit, recentAudit } from '../storage/audit.ts';
import { latestDocument } from '../storage/documents.ts';
import { allPlans, createPlan, getPlan, planRow, retirePlan, updatePlan } from '../storage/plans.ts';
import { findSim, simByMsisdn, simIdentifiers } from '../storage/sims.ts';
import { setSubscriberStatus, subscriberById, subscriberBySim } from '../storage/subscribers.ts';
import { latestSubscription, subscriptionsOf } from '../storage/subscriptions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: ApiCaller;
  }
}

const ErrorBody = Type.Object({ code: Type.String(), message: Type.String() });
/** The answers every guarded route may give besides its own (bad request, no key, no scope, too many requests). */
const ERRORS = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody } as const;
const UsageAnswer = Type.Object({
  results: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position of the report in the request.' }),
      status: Type.Union(
        ['applied', 'duplicate', 'stale', 'unknown-sim', 'no-plan', 'invalid'].map((s) => Type.Literal(s)),
      ),
      usageMegabytes: Type.Optional(Type.Number({ description: 'The usage now recorded (applied only).' })),
      exhausted: Type.Optional(Type.Boolean({ description: 'The allowance is used up (applied only).' })),
    }),
  ),
});
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const SimRejectionCode = Type.Union(SIM_REJECTION_CODES.map((c) => Type.Literal(c)));
/** The report of a SIM import: bounded whatever the size of the file. */
const SimImportAnswer = Type.Object({
  added: Type.Integer({ description: 'Rows whose SIM was added.' }),
  exists: Type.Integer({
    description: 'Rows whose SIM the inventory holds already, with the same identifiers (nothing changed).',
  }),
  rejected: Type.Integer({ description: 'Rows refused (nothing written for them).' }),
  rejectedByCode: Type.Partial(
    Type.Object(Object.fromEntries(SIM_REJECTION_CODES.map((c) => [c, Type.Integer()]))),
    { description: 'Refused rows by code.' },
  ),
  rows: Type.Array(
    Type.Object({
      line: Type.Integer({ description: 'Line of the CSV, from 1 (the header is line 1).' }),
      iccid: Type.String({
        description: 'As read (empty when the row has none); cells longer than 40 characters are shortened.',
      }),
      imsi: Type.String(),
      msisdn: Type.Optional(Type.String()),
      min: Type.Optional(Type.String({ description: 'CDMA MIN or MIN(IRM), as read.' })),
      esnMeid: Type.Optional(Type.String({ description: 'CDMA ESN or MEID, as read.' })),
      status: Type.Literal('rejected'),
      code: SimRejectionCode,
      reason: Type.String(),
    }),
    { description: `The first ${LISTED_REJECTIONS} refused rows, in line order.` },
  ),
  truncated: Type.Boolean({ description: 'More rows were refused than rows lists.' }),
});
/** A catalog row, as stored. */
const PlanRow = Type.Object({
  id: Type.String(),
  name: Type.String(),
  name_ja: Nullable(Type.String()),
  plan_type: Type.String({ description: 'Unrestricted, Fixed or Variable.' }),
  data_limit_mb: Nullable(Type.Number()),
  duration_days: Type.Integer(),
  bandwidth_kbps: Nullable(Type.Integer()),
  price_minor: Type.Integer(),
  currency: Type.String(),
  status: Type.String({ description: 'active or retired.' }),
  updated_at: Type.String({ format: 'date-time' }),
});
/** A subscriber as the back office may see it: what is listed here and nothing else (no credential hash). */
const SubscriberAnswer = Type.Object({
  subscriber: Type.Object({
    id: Type.String(),
    sim_id: Type.String({ description: 'The inventory row.' }),
    iccid: Nullable(Type.String()),
    imsi: Nullable(Type.String()),
    min: Nullable(Type.String({ description: 'CDMA MIN or MIN(IRM).' })),
    device_id: Nullable(Type.String()),
    refresh_user: Type.String(),
    credential_version: Type.Integer(),
    status: Type.String({ description: 'active, or suspended by the operator.' }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    refreshUrl: Type.String(),
  }),
  subscriptions: Type.Array(
    Type.Object({
      id: Type.String(),
      subscriber_id: Type.String(),
      plan_id: Type.String(),
      status: Type.String({ description: 'active, expired, exhausted or suspended.' }),
      starts_at: Type.String({ format: 'date-time' }),
      ends_at: Type.String({ format: 'date-time' }),
      data_limit_mb: Nullable(Type.Number()),
      usage_mb: Type.Number(),
      usage_at: Nullable(Type.String({ format: 'date-time' })),
      checkout_id: Type.String(),
      created_at: Type.String({ format: 'date-time' }),
    }),
  ),
  latestDocument: Nullable(
    Type.Object({
      version: Type.Integer(),
      kind: Type.String({ description: 'full or usage.' }),
      etag: Type.String(),
      createdAt: Type.String({ format: 'date-time' }),
    }),
  ),
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
const UsageBody = Type.Object(
  {
    updates: Type.Array(
      Type.Object(
        {
          iccid: Type.Optional(Type.String({ pattern: '^\\d{19,20}$' })),
          imsi: Type.Optional(Type.String({ pattern: '^\\d{6,15}$' })),
          min: Type.Optional(Type.String({ pattern: '^\\d{10}$', description: 'CDMA MIN or MIN(IRM).' })),
          usageMegabytes: Type.Number({ minimum: 0 }),
          at: Type.String({ format: 'date-time' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);
const PlanBody = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    nameJa: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    planType: Type.Union([Type.Literal('Unrestricted'), Type.Literal('Fixed'), Type.Literal('Variable')]),
    dataLimitMb: Type.Optional(Type.Integer({ minimum: 1 })),
    durationDays: Type.Integer({ minimum: 1, maximum: 730 }),
    bandwidthKbps: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_000_000 })),
    priceMinor: Type.Integer({ minimum: 0 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  },
  { additionalProperties: false },
);
const PlanPatch = Type.Partial(Type.Omit(PlanBody, ['id']), { additionalProperties: false });
const ByIdentifier = Type.Object({
  iccid: Type.Optional(Type.String()),
  imsi: Type.Optional(Type.String()),
  min: Type.Optional(Type.String({ description: 'CDMA MIN or MIN(IRM).' })),
  msisdn: Type.Optional(Type.String()),
  id: Type.Optional(Type.String()),
});

function fail(
  reply: FastifyReply,
  code:
    | 'MBPROV_AUTH_REQUIRED'
    | 'MBPROV_API_SCOPE'
    | 'MBPROV_API_BAD_REQUEST'
    | 'MBPROV_NOT_FOUND'
    | 'MBPROV_PLAN_UNAVAILABLE'
    | 'MBPROV_RATE_LIMITED',
  message: string,
): FastifyReply {
  const status = {
    MBPROV_AUTH_REQUIRED: 401,
    MBPROV_API_SCOPE: 403,
    MBPROV_API_BAD_REQUEST: 400,
    MBPROV_NOT_FOUND: 404,
    MBPROV_PLAN_UNAVAILABLE: 409,
    MBPROV_RATE_LIMITED: 429,
  }[code];
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="mbprov"');
  return reply.code(status).send({ code, message });
}

function tooMany(reply: FastifyReply, seconds: number): FastifyReply {
  reply.header('retry-after', String(seconds));
  return fail(reply, 'MBPROV_RATE_LIMITED', `Too many requests; try again in ${seconds} s.`);
}

/**
 * Makes the route guard: authenticates the bearer key and checks one scope, answering 401/403 itself. An address
 * that failed too often this minute is refused before any key is looked up (guessing keys costs the guesser, not
 * the database); a key is limited to its requests per minute.
 */
function guards(ctx: PortalContext) {
  const perKey = new MinuteCounter(ctx.config.rateLimits.apiPerMinute);
  const failures = new MinuteCounter(ctx.config.rateLimits.apiAuthFailuresPerMinute);
  return (scope: Scope) => async (request: FastifyRequest, reply: FastifyReply) => {
    const now = ctx.clock().getTime();
    const blocked = failures.blockedFor(request.ip, now);
    if (blocked) return tooMany(reply, blocked);
    const caller = await authenticate(ctx.store.db, request.headers.authorization);
    if (!caller) {
      failures.hit(request.ip, now);
      return fail(reply, 'MBPROV_AUTH_REQUIRED', 'Send an API key: Authorization: Bearer mbp_<id>_<secret>.');
    }
    const wait = perKey.hit(caller.keyId, now);
    if (wait) return tooMany(reply, wait);
    if (!allows(caller, scope)) return fail(reply, 'MBPROV_API_SCOPE', `This key lacks the ${scope} scope.`);
    request.apiCaller = caller;
  };
}

const actor = (request: FastifyRequest) => request.apiCaller?.name ?? 'unknown';

function planRowOf(body: Static<typeof PlanBody>, now: string) {
  return { id: body.id, ...planRow(body, now) };
}

/** The back-office API (/api/v1): usage updates, walled-garden policy, catalog, SIM inventory, subscribers, documents, audit. */
export function apiRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const { db } = ctx.store;
  const now = () => ctx.clock().toISOString();
  const guard = guards(ctx);

  app.post(
    '/api/v1/usage',
    {
      preHandler: guard('usage:write'),
      schema: {
        tags: ['usage'],
        summary: 'Report usage from billing or the PCRF (idempotent per subscriber and timestamp).',
        body: UsageBody,
        response: { 200: UsageAnswer, ...ERRORS },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof UsageBody>;
      const results = await applyUsageReports(ctx, body.updates);
      for (const r of results) ctx.metrics?.usageReports.inc({ status: r.status });
      return { results: results.map((r, i) => ({ index: i, ...r })) };
    },
  );

  app.get(
    '/api/v1/policy',
    {
      preHandler: guard('policy:read'),
      schema: {
        tags: ['policy'],
        summary: 'Whether a subscriber may reach the internet, for the gateway.',
        querystring: Type.Object({
          imsi: Type.Optional(Type.String()),
          iccid: Type.Optional(Type.String()),
          min: Type.Optional(Type.String({ description: 'CDMA MIN or MIN(IRM).' })),
        }),
        response: { 200: PolicyAnswer, ...ERRORS },
      },
    },
    async (request, reply) => {
      const q = request.query as { imsi?: string; iccid?: string; min?: string };
      if (!q.imsi && !q.iccid && !q.min)
        return fail(reply, 'MBPROV_API_BAD_REQUEST', 'Give imsi, iccid or min.');
      return policyFor(ctx, {
        ...(q.iccid ? { iccid: q.iccid } : {}),
        ...(q.imsi ? { imsi: q.imsi } : {}),
        ...(q.min ? { min: q.min } : {}),
      });
    },
  );

  app.get(
    '/api/v1/walled-garden',
    {
      preHandler: guard('policy:read'),
      schema: {
        tags: ['policy'],
        summary:
          'Hosts reachable without a plan, for firewalls and proxies (text: one per line; ?format=json).',
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('json')])),
        }),
      },
    },
    async (request, reply) => {
      const hosts = walledGardenHosts(ctx);
      if ((request.query as { format?: string }).format === 'json') return { hosts };
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', 'attachment; filename="walled-garden.txt"')
        .send(`${hosts.join('\n')}\n`);
    },
  );

  app.get(
    '/api/v1/plans',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'The whole catalog, retired plans included.',
        response: { 200: Type.Object({ plans: Type.Array(PlanRow) }), ...ERRORS },
      },
    },
    async () => ({
      plans: await allPlans(db),
    }),
  );

  app.post(
    '/api/v1/plans',
    {
      preHandler: guard('plans:write'),
      schema: { tags: ['plans'], summary: 'Add a plan to the catalog.', body: PlanBody },
    },
    async (request, reply) => {
      const body = request.body as Static<typeof PlanBody>;
      if (body.planType === 'Fixed' && body.dataLimitMb === undefined)
        return fail(reply, 'MBPROV_API_BAD_REQUEST', 'A Fixed plan needs dataLimitMb.');
      if (!(await createPlan(db, planRowOf(body, now()))))
        return fail(reply, 'MBPROV_PLAN_UNAVAILABLE', `Plan ${body.id} exists already.`);
      await audit(db, {
        at: now(),
        actor: actor(request),
        action: 'plan.create',
        target: body.id,
        details: body,
      });
      return reply.code(201).send(await getPlan(db, body.id));
    },
  );

  app.patch<{ Params: { id: string } }>(
    '/api/v1/plans/:id',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'Change a plan; the documents of its subscribers are signed again in the background.',
        body: PlanPatch,
      },
    },
    async (request, reply) => {
      const plan = await getPlan(db, request.params.id);
      if (!plan) return fail(reply, 'MBPROV_NOT_FOUND', `No plan ${request.params.id}.`);
      const body = request.body as Static<typeof PlanPatch>;
      const merged = planRowOf(
        {
          id: plan.id,
          name: body.name ?? plan.name,
          ...((body.nameJa ?? plan.name_ja) ? { nameJa: (body.nameJa ?? plan.name_ja) as string } : {}),
          planType: body.planType ?? (plan.plan_type as 'Fixed'),
          ...((body.dataLimitMb ?? plan.data_limit_mb) !== null
            ? { dataLimitMb: (body.dataLimitMb ?? plan.data_limit_mb) as number }
            : {}),
          durationDays: body.durationDays ?? plan.duration_days,
          ...((body.bandwidthKbps ?? plan.bandwidth_kbps) !== null
            ? { bandwidthKbps: (body.bandwidthKbps ?? plan.bandwidth_kbps) as number }
            : {}),
          priceMinor: body.priceMinor ?? plan.price_minor,
          currency: body.currency ?? plan.currency,
        },
        now(),
      );
      await updatePlan(db, { ...merged, status: plan.status });
      await audit(db, {
        at: now(),
        actor: actor(request),
        action: 'plan.update',
        target: plan.id,
        details: body,
      });
      await ctx.queue?.enqueue(
        'regenerate-documents',
        { reason: `plan ${plan.id} changed` },
        { singletonKey: 'catalog' },
      );
      return getPlan(db, plan.id);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/plans/:id/retire',
    {
      preHandler: guard('plans:write'),
      schema: {
        tags: ['plans'],
        summary: 'Stop selling a plan (active subscriptions keep it until they end).',
      },
    },
    async (request, reply) => {
      if (!(await retirePlan(db, request.params.id, now())))
        return fail(reply, 'MBPROV_NOT_FOUND', `No plan ${request.params.id}.`);
      await audit(db, { at: now(), actor: actor(request), action: 'plan.retire', target: request.params.id });
      return getPlan(db, request.params.id);
    },
  );

  app.register(async (csv) => {
    csv.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 },
      (_request, body, done) => done(null, body),
    );
    csv.post(
      '/api/v1/sims/import',
      {
        preHandler: guard('sims:write'),
        bodyLimit: 16 * 1024 * 1024,
        schema: {
          tags: ['sims'],
          summary:
            'Import SIMs from CSV: columns ICCID, IMSI, MSISDN, MIN, ESN/MEID (by position, or by a header row naming them: iccid, imsi, msisdn, min, esn_meid); a row needs an ICCID, an IMSI or a MIN (CDMA), ESN/MEID binds a CDMA device. Answers counts by outcome and by refusal code, and the first refused rows.',
          response: { 200: SimImportAnswer, ...ERRORS },
        },
      },
      async (request, reply) => {
        if (typeof request.body !== 'string')
          return fail(reply, 'MBPROV_API_BAD_REQUEST', 'Send the CSV as text/csv.');
        const report = await importSims(db, request.body, now());
        const { added, exists, rejected, rejectedByCode } = report;
        await audit(db, {
          at: now(),
          actor: actor(request),
          action: 'sims.import',
          target: 'inventory',
          details: { added, exists, rejected, rejectedByCode },
        });
        return report;
      },
    );
  });

  app.get(
    '/api/v1/subscribers',
    {
      preHandler: guard('subscribers:read'),
      schema: {
        tags: ['subscribers'],
        summary: 'Find a subscriber by ICCID, IMSI, MIN, MSISDN or id.',
        querystring: ByIdentifier,
        response: { 200: SubscriberAnswer, 404: ErrorBody, ...ERRORS },
      },
    },
    async (request, reply) => {
      const q = request.query as Static<typeof ByIdentifier>;
      let subscriber = q.id ? await subscriberById(db, q.id) : undefined;
      if (!subscriber && (q.iccid || q.imsi || q.min || q.msisdn)) {
        const sim = q.msisdn
          ? await simByMsisdn(db, q.msisdn)
          : await findSim(db, {
              ...(q.iccid ? { iccid: q.iccid } : {}),
              ...(q.imsi ? { imsi: q.imsi } : {}),
              ...(q.min ? { min: q.min } : {}),
            });
        subscriber = sim ? await subscriberBySim(db, sim.id) : undefined;
      }
      if (!subscriber) return fail(reply, 'MBPROV_NOT_FOUND', 'No subscriber matches.');
      const subscriptions = await subscriptionsOf(db, subscriber.id);
      const document = await latestDocument(db, subscriber.id);
      const { refresh_password_hash: _hash, ...visible } = subscriber;
      return {
        subscriber: { ...visible, refreshUrl: refreshUrl(ctx, subscriber) },
        subscriptions,
        latestDocument: document
          ? {
              version: document.version,
              kind: document.kind,
              etag: document.etag,
              createdAt: document.created_at,
            }
          : null,
      };
    },
  );

  for (const action of ['suspend', 'resume'] as const) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/subscribers/:id/${action}`,
      {
        preHandler: guard('subscribers:write'),
        schema: {
          tags: ['subscribers'],
          summary:
            action === 'suspend'
              ? 'Cut internet access whatever the plan (policy says suspended).'
              : 'Restore a suspended subscriber.',
        },
      },
      async (request, reply) => {
        const status = action === 'suspend' ? 'suspended' : 'active';
        if (!(await setSubscriberStatus(db, request.params.id, status, now())))
          return fail(reply, 'MBPROV_NOT_FOUND', `No subscriber ${request.params.id}.`);
        await audit(db, {
          at: now(),
          actor: actor(request),
          action: `subscriber.${action}`,
          target: request.params.id,
        });
        return { id: request.params.id, status };
      },
    );
  }

  app.get<{ Params: { id: string } }>(
    '/api/v1/subscribers/:id/document/preview',
    {
      preHandler: guard('subscribers:read'),
      schema: {
        tags: ['documents'],
        summary: 'The full document the subscriber would get now, validated, unsigned, credentials masked.',
      },
    },
    async (request, reply) => {
      const subscriber = await subscriberById(db, request.params.id);
      const subscription = subscriber ? await latestSubscription(db, subscriber.id) : undefined;
      const plan = subscription ? await getPlan(db, subscription.plan_id) : undefined;
      if (!subscriber || !subscription || !plan)
        return fail(reply, 'MBPROV_NOT_FOUND', 'The subscriber has no plan to build a document from.');
      const model = fullModel(ctx, subscriber, subscription, plan, true);
      const validation = validateModel(model);
      return { valid: validation.valid, diagnostics: validation.diagnostics, xml: buildDocument(model) };
    },
  );

  app.post(
    '/api/v1/documents/regenerate',
    {
      preHandler: guard('documents:write'),
      schema: {
        tags: ['documents'],
        summary:
          'Sign every active subscriber’s document again (after a certificate rotation or a configuration change), in the background.',
      },
    },
    async (request, reply) => {
      if (!ctx.queue) throw new MbprovError('MBPROV_IO_ERROR', 'No job queue is running.');
      const job = randomUUID();
      await ctx.queue.enqueue(
        'regenerate-documents',
        { reason: 'requested', job },
        { singletonKey: 'requested' },
      );
      await audit(db, {
        at: now(),
        actor: actor(request),
        action: 'documents.regenerate',
        target: 'all-active',
      });
      return reply.code(202).send({ accepted: true, queueDepth: await ctx.queue.depth() });
    },
  );

  app.get(
    '/api/v1/audit',
    {
      preHandler: guard('audit:read'),
      schema: {
        tags: ['audit'],
        summary: 'Changes made through the back office, newest first.',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      },
    },
    async (request) => {
      const limit = (request.query as { limit?: number }).limit ?? 100;
      const rows = await recentAudit(db, limit);
      return { entries: rows.map((r) => ({ ...r, details: JSON.parse(r.details) as unknown })) };
    },
  );

  app.get(
    '/api/v1/cosa',
    {
      preHandler: guard('cosa:read'),
      schema: {
        tags: ['cosa'],
        summary: 'The operator’s COSA/APN database entries, for submission (?format=csv|json).',
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')])),
        }),
      },
    },
    async (request, reply) => {
      // The whole inventory: SIMs imported through the back office count as much as the configured ones.
      const sims = await simIdentifiers(db);
      const entries = cosaEntries(ctx.config, { sims });
      if ((request.query as { format?: string }).format === 'csv') {
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="cosa.csv"')
          .send(toCosaCsv(entries));
      }
      return reply.header('content-type', 'application/json; charset=utf-8').send(toCosaJson(entries));
    },
  );
  app.get(
    '/metrics',
    { preHandler: guard('metrics:read'), schema: { hide: true } },
    async (_request, reply) => {
      if (!ctx.metrics) return fail(reply, 'MBPROV_NOT_FOUND', 'Metrics are off.');
      return reply
        .header('content-type', ctx.metrics.registry.contentType)
        .send(await ctx.metrics.registry.metrics());
    },
  );
}

export { ErrorBody };
