/**
 * The built-in test payment service: a payment provider in miniature, run by the portal on its own HTTPS port (its
 * own origin, so that no card field is ever on a portal page), shaped like the real ones: an API the portal calls
 * with a bearer key and an idempotency key, a hosted card page, and signed webhooks. It keeps its records in the
 * portal's database (table test_payments), as a real provider keeps them on its side. docs/payments.md, "The test
 * provider".
 */
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fastifyFormbody from '@fastify/formbody';
import { MbprovError } from '@mbprov/core';
import { type Static, Type } from '@sinclair/typebox';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from '../../context.ts';
import { validationMessage } from '../../routes/api/validation-message.ts';
import { securityHeaders } from '../../security/headers.ts';
import { hashToken, matchesHash } from '../../security/tokens.ts';
import type { Db } from '../../storage/database.ts';
import { CreatePaymentBody, IDEMPOTENCY_HEADER, PaymentAnswer, PaymentList } from './api.ts';
import { badRequestPage, hostedPageRoutes, notFoundPage, sendPage } from './hosted-page.ts';
import { TestPaymentLedger } from './ledger.ts';
import { WebhookSender } from './webhooks.ts';

/** Options of {@link startTestPaymentService}. */
export interface TestPaymentServiceOptions {
  /** The portal's database: the service keeps its payments in its own table. */
  db: Db;
  /** The HTTPS key and certificate (the portal's will do: the service differs by port). */
  tls: { key: string; cert: string };
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Port to listen on; 0 (the default) takes a free one. */
  port?: number;
  /**
   * The origin customers' browsers reach the service at (https://pay.example:8444), when it is not the listening
   * address (a wildcard host, a proxy); by default `https://<host>:<port>`.
   */
  publicUrl?: string;
  /**
   * The host name browsers reach it by, with the port it listens on (the portal's host name: the certificate names
   * it); the listening address by default. Ignored when publicUrl is given.
   */
  publicHost?: string;
  /** The bearer key of the API (Secrets.testPaymentsApiKey). */
  apiKey: string;
  /** The webhook signing secret (Secrets.testPaymentsWebhookSecret). */
  webhookSecret: string;
  /** The portal's webhook endpoint (its POST /payments/webhook); without one no webhook is sent. */
  webhookUrl?: string;
  /** PEM to trust for the portal's certificate when delivering webhooks (its development certificate). */
  webhookCa?: string;
  clock?: () => Date;
  log: Logger;
  /**
   * Test hook: every status answer (GET /v1/payments/...) and every webhook delivery waits this long first, as a slow
   * provider would, so that tests can stop a portal while a customer's return is asking, the webhook not ahead of it
   * (MBPROV_TEST_PAYMENT_DELAY_MS). Not a setting.
   */
  statusDelayMs?: number;
}

/** A running test payment service. */
export interface RunningTestPaymentService {
  /** Its origin, as the provider's `url` and the hosted pages' base (no trailing slash). */
  url: string;
  /** Stops the server and every pending webhook retry. */
  close(): Promise<void>;
}

const PaymentParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const ListQuery = Type.Object(
  { checkoutId: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const ErrorAnswer = Type.Object({ code: Type.String(), message: Type.String() });
const ERROR_ANSWERS = { 400: ErrorAnswer, 401: ErrorAnswer, 404: ErrorAnswer, 409: ErrorAnswer };

/** Starts the service and answers once it listens. */
export async function startTestPaymentService(
  options: TestPaymentServiceOptions,
): Promise<RunningTestPaymentService> {
  const clock = options.clock ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const webhooks = new WebhookSender({
    ...(options.webhookUrl ? { url: options.webhookUrl } : {}),
    secret: options.webhookSecret,
    ...(options.webhookCa ? { ca: options.webhookCa } : {}),
    ...(options.statusDelayMs ? { delayMs: options.statusDelayMs } : {}),
    clock,
    log: options.log,
  });
  // Its base URL is known once it listens (port 0), before any request can arrive.
  const ledger = new TestPaymentLedger(options.db, clock, webhooks, '');
  const app = Fastify({
    https: options.tls,
    logger: false,
    bodyLimit: 16 * 1024,
    // Closing drops idle keep-alive connections at once (the provider's client keeps some).
    forceCloseConnections: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const headers = securityHeaders({
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    hsts: { maxAge: 31_536_000 },
    // A form post then carries the page's Origin, which the hosted page checks.
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
  app.setNotFoundHandler((request, reply) =>
    isApi(request)
      ? reply.code(404).send({ code: 'MBPROV_NOT_FOUND', message: 'No such API call.' })
      : sendPage(reply, notFoundPage()),
  );
  app.setErrorHandler((error, request, reply) => {
    const e = error as Error & { statusCode?: number; validation?: unknown };
    const known = error instanceof MbprovError;
    if (!known && !(e.statusCode && e.statusCode < 500))
      options.log.error({ err: { message: e.message } }, 'test payments: request failed');
    if (!isApi(request)) {
      if (known && error.code === 'MBPROV_NOT_FOUND') return sendPage(reply, notFoundPage());
      const status = e.statusCode && e.statusCode < 500 ? e.statusCode : 500;
      return sendPage(reply, { ...badRequestPage(), status });
    }
    if (e.validation)
      return reply.code(400).send({ code: 'MBPROV_API_BAD_REQUEST', message: validationMessage(e) });
    if (known) return reply.code(error.status).send({ code: error.code, message: error.message });
    if (e.statusCode && e.statusCode < 500)
      return reply.code(e.statusCode).send({ code: 'MBPROV_API_BAD_REQUEST', message: e.message });
    return reply.code(500).send({ code: 'MBPROV_IO_ERROR', message: 'Internal error' });
  });

  // Registered after the error handler: a plugin keeps the handler set when it was registered.
  await app.register(fastifyFormbody);
  await app.register(apiRoutes(ledger, hashToken(options.apiKey), options.statusDelayMs ?? 0), {
    prefix: '/v1',
  });
  hostedPageRoutes(app, {
    ledger,
    formKey: createHmac('sha256', options.apiKey).update('mbprov test payments form').digest(),
    clock,
  });

  await app.listen({ host, port: options.port ?? 0 });
  const { port } = app.server.address() as { port: number };
  const name = options.publicHost ?? host;
  const url =
    options.publicUrl?.replace(/\/+$/, '') ?? `https://${name.includes(':') ? `[${name}]` : name}:${port}`;
  ledger.baseUrl = url;
  return {
    url,
    close: async () => {
      webhooks.close();
      await app.close();
    },
  };
}

const isApi = (request: FastifyRequest) => request.url.startsWith('/v1/');

/** The API under /v1: every call needs the bearer key. */
function apiRoutes(ledger: TestPaymentLedger, keyHash: string, statusDelayMs: number) {
  return async (api: FastifyInstance) => {
    if (statusDelayMs > 0)
      api.addHook('preHandler', async (request) => {
        if (request.method === 'GET') await sleep(statusDelayMs);
      });
    api.addHook('onRequest', async (request, reply) => {
      const m = /^Bearer (\S{1,512})$/.exec(request.headers.authorization ?? '');
      if (!m?.[1] || !matchesHash(m[1], keyHash)) {
        reply.header('www-authenticate', 'Bearer');
        throw new MbprovError('MBPROV_AUTH_REQUIRED', 'The API key is missing or wrong.');
      }
    });

    api.post<{ Body: CreatePaymentBody }>(
      '/payments',
      { schema: { body: CreatePaymentBody, response: { 200: PaymentAnswer, ...ERROR_ANSWERS } } },
      async (request, reply) => {
        if (request.headers[IDEMPOTENCY_HEADER] !== request.body.checkoutId)
          throw new MbprovError(
            'MBPROV_API_BAD_REQUEST',
            'The Idempotency-Key header must be given and equal the checkoutId.',
          );
        const { payment, created } = await ledger.create(request.body);
        if (!created) reply.header('idempotent-replayed', 'true');
        return ledger.present(payment);
      },
    );

    api.get<{ Querystring: Static<typeof ListQuery> }>(
      '/payments',
      { schema: { querystring: ListQuery, response: { 200: PaymentList, ...ERROR_ANSWERS } } },
      async (request) => {
        const payment = await ledger.findByCheckout(request.query.checkoutId);
        return { data: payment ? [ledger.present(payment)] : [] };
      },
    );

    api.get<{ Params: Static<typeof PaymentParams> }>(
      '/payments/:id',
      { schema: { params: PaymentParams, response: { 200: PaymentAnswer, ...ERROR_ANSWERS } } },
      async (request) => ledger.present(await ledger.get(request.params.id)),
    );

    api.post<{ Params: Static<typeof PaymentParams> }>(
      '/payments/:id/cancel',
      { schema: { params: PaymentParams, response: { 200: PaymentAnswer, ...ERROR_ANSWERS } } },
      async (request) => ledger.present(await ledger.cancel(await ledger.get(request.params.id))),
    );

    api.post<{ Params: Static<typeof PaymentParams> }>(
      '/payments/:id/refund',
      { schema: { params: PaymentParams, response: { 200: PaymentAnswer, ...ERROR_ANSWERS } } },
      async (request) => ledger.present(await ledger.refund(await ledger.get(request.params.id))),
    );
  };
}
