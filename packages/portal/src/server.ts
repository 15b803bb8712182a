import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { MbprovError } from '@mbprov/core';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { HelmetOptions } from 'helmet';
import { AccessLog } from './access-log.ts';
import type { PortalContext } from './context.ts';
import { turnBatchedStdout } from './log-destination.ts';
import { pageLimitStore } from './rate-limits/fastify-store.ts';
import { openRateCounter } from './rate-limits/open.ts';
import { RateLimits } from './rate-limits/rate-limits.ts';
import { releaseConnectionsOnClose } from './release-connections.ts';
import { apiRoutes } from './routes/api/register.ts';
import { validationMessage } from './routes/api/validation-message.ts';
import { checkoutRoutes, startAgainUrl } from './routes/checkout.ts';
import { deviceProfileRoutes } from './routes/device-profiles.ts';
import { earlyErrorAnswers } from './routes/early-errors.ts';
import { entryRoutes } from './routes/entry.ts';
import { mobilePlansRoutes } from './routes/mobile-plans.ts';
import { sendPage } from './routes/pages.ts';
import { paymentWebhookRoutes, webhookError } from './routes/payment-webhook.ts';
import { refreshRoutes } from './routes/refresh.ts';
import { drainRefusedBody } from './routes/refused-body.ts';
import { subscriberRoutes } from './routes/subscriber-pages.ts';
import { wifiRoutes } from './routes/wifi.ts';
import { securityHeaders } from './security/headers.ts';
import type { ErrorView } from './views/models.ts';
import { createRenderer, PUBLIC_DIR, type Renderer, STATIC_PREFIX } from './views/render.ts';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** TLS key and certificate: the server only speaks HTTPS. Omit only for in-process tests (inject). */
  https?: { key: string; cert: string };
  /** Fastify's logger option (default: pino at info). */
  logger?: FastifyServerOptions['logger'];
  renderer?: Renderer;
}

// Secrets travel in URLs of two routes: the download token and the Wi-Fi document link, nothing else in the query.
// Logs keep the path shape.
const REDACTED_URL = /^(\/document\/[^/]+\/|\/wifi\/document\/)[^/?]+/;

/** The origin of an operator logo served from another site (an https URL), for the CSP's img-src. */
function logoOrigin(logoUrl: string | undefined): string[] {
  return logoUrl?.startsWith('https://') ? [new URL(logoUrl).origin] : [];
}

/** The portal's Fastify application: security headers, rate limits, CSRF, pages, the RefreshURL, static files. */
export async function buildServer(ctx: PortalContext, options: ServerOptions = {}): Promise<FastifyInstance> {
  // Every answer's security headers, computed once; pages add their nonce to the CSP (sendPage).
  const helmetOptions: HelmetOptions = {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // An operator logo on another https origin (operator.logoUrl) is the only image from elsewhere.
        imgSrc: ["'self'", 'data:', ...logoOrigin(ctx.config.operator.logoUrl)],
        // The checkout form's answer redirects to the payment provider's page: form-action covers the redirect.
        formAction: ["'self'", ...ctx.payments.origins],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    // same-origin, not no-referrer: a browser then sends the page's Origin on its own form posts (no-referrer makes
    // it "null", which the checkout's Origin check must refuse), and still no Referer to any other site.
    referrerPolicy: { policy: 'same-origin' },
  };
  const headers = securityHeaders(helmetOptions);
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    trustProxy: ctx.config.server.trustProxy,
    logger: options.logger ?? {
      level: 'info',
      stream: turnBatchedStdout(),
      serializers: {
        req: (req: { method: string; url: string }) => ({
          method: req.method,
          url: req.url.replace(REDACTED_URL, '$1[redacted]'),
        }),
      },
    },
    logController: new AccessLog(),
    bodyLimit: 64 * 1024,
    // Graceful shutdown (app.close): idle keep-alive connections are closed at once, requests reaching the portal
    // while it closes are answered 503 (Fastify 5's defaults, stated because shutdown depends on them).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Refuse unknown properties instead of silently dropping them (Fastify's default removes them).
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    // Answers written before any hook runs (a URL that does not decode, headers too large) get the same headers.
    ...earlyErrorAnswers(headers),
  });
  const renderer = options.renderer ?? createRenderer();
  releaseConnectionsOnClose(app);

  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  // The page limits (per route, @fastify/rate-limit) and the API guard's count in one counter: this process's
  // memory, or the store all portal processes share (rate-limits/open.ts).
  const counter = await openRateCounter(ctx, app.log);
  app.addHook('onClose', () => counter.close());
  const limits = new RateLimits(counter);

  await app.register(fastifyRateLimit, {
    global: false,
    store: pageLimitStore(limits, ctx.clock),
    // No X-RateLimit-* headers on the answers within the limit (Windows and browsers read none, and every RefreshURL
    // answer would carry three); a refusal still says when to come back (Retry-After).
    addHeadersOnExceeding: {
      'x-ratelimit-limit': false,
      'x-ratelimit-remaining': false,
      'x-ratelimit-reset': false,
    },
  });
  await app.register(fastifyCookie, { secret: ctx.secrets.cookieSecret });
  await app.register(fastifyCsrf, {
    cookieOpts: { signed: true, httpOnly: true, secure: true, sameSite: 'strict', path: '/' },
  });
  await app.register(fastifyFormbody);
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: STATIC_PREFIX, maxAge: '1h' });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'mbprov back-office API',
        version: '1',
        description:
          'Usage updates, walled-garden policy, catalog, SIM inventory, subscribers, documents, audit.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'mbp_<id>_<secret>' } },
      },
      security: [{ apiKey: [] }],
    },
  });

  entryRoutes(app, ctx, renderer);
  checkoutRoutes(app, ctx, renderer);
  paymentWebhookRoutes(app, ctx);
  subscriberRoutes(app, ctx, renderer);
  deviceProfileRoutes(app, ctx);
  wifiRoutes(app, ctx, renderer, limits);
  mobilePlansRoutes(app, ctx, renderer, limits);
  refreshRoutes(app, ctx);
  apiRoutes(app, ctx, limits);
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // Load balancers check the status; monitoring can read when the signing certificate ends (it is public: every
  // signed document carries it).
  const notAfter = new Date(ctx.signer.certificate.validTo);
  app.get('/healthz', async () => {
    const daysLeft = Math.floor((notAfter.getTime() - ctx.clock().getTime()) / 86_400_000);
    return { status: 'ok', signer: { notAfter: notAfter.toISOString(), daysLeft, test: ctx.signer.test } };
  });
  if (ctx.signer.test && ctx.signer.testRootPem) {
    // Testers install this root on a Windows test PC so that the test signature is trusted.
    const root = ctx.signer.testRootPem;
    app.get('/test-root.crt', async (_request, reply) =>
      reply.header('content-type', 'application/x-pem-file').send(root),
    );
  }

  // Browsers that ask for /favicon.ico without reading the pages' icon link get the icon, not a 404 page.
  app.get('/favicon.ico', (_request, reply) =>
    reply.header('cache-control', 'public, max-age=86400').redirect(`${STATIC_PREFIX}favicon.svg`, 301),
  );
  app.setNotFoundHandler((request, reply) =>
    request.url.startsWith('/api/')
      ? reply.code(404).send({ code: 'MBPROV_NOT_FOUND', message: 'No such API call.' })
      : sendPage(ctx, renderer, request, reply, { page: 'error', status: 404 }),
  );
  app.setErrorHandler(async (error, request, reply) => {
    const e = error as Error & { statusCode?: number; code?: string; validation?: unknown };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') await drainRefusedBody(request.raw);
    // The API (and /metrics and the SM-DP+'s notifications, guarded by the same API keys) answers JSON errors with
    // the catalog's codes.
    if (
      request.url.startsWith('/api/') ||
      request.url.startsWith('/gsma/') ||
      request.routeOptions.url === '/metrics'
    ) {
      if (e.validation)
        return reply.code(400).send({ code: 'MBPROV_API_BAD_REQUEST', message: validationMessage(e) });
      if (error instanceof MbprovError)
        return reply.code(error.status).send({ code: error.code, message: error.message });
      if (e.statusCode && e.statusCode < 500)
        return reply.code(e.statusCode).send({ code: 'MBPROV_API_BAD_REQUEST', message: e.message });
      request.log.error({ err: { message: e.message, code: e.code } }, 'API request failed');
      return reply.code(500).send({ code: 'MBPROV_IO_ERROR', message: 'Internal error' });
    }
    if (request.url.startsWith('/payments/')) {
      // Providers read the status; the body says why, for the provider's delivery log.
      const answer = webhookError(error);
      if (answer.status >= 500)
        request.log.error({ err: { message: e.message, code: e.code } }, 'webhook failed');
      return reply.code(answer.status).send({ code: answer.code, message: answer.message });
    }
    /** An error page; a refused checkout form's leads back to the plans page of its SIM. */
    const errorPage = async (status: ErrorView['status']) => {
      // (Best effort: a page about a failure must not fail on a second one, a database gone for instance.)
      const again = await startAgainUrl(ctx, request).catch(() => undefined);
      return sendPage(ctx, renderer, request, reply, { page: 'error', status, ...(again ? { again } : {}) });
    };
    if (e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET') return errorPage(403);
    if (e.statusCode === 429) return errorPage(429);
    if (error instanceof MbprovError && error.code === 'MBPROV_DOCUMENT_INVALID') {
      return sendPage(ctx, renderer, request, reply, { page: 'operator-error', reference: error.message });
    }
    if (error instanceof MbprovError && error.status < 500) {
      request.log.info({ code: error.code }, error.message);
      return errorPage(([400, 403, 404, 409, 413] as const).find((s) => s === error.status) ?? 400);
    }
    if (e.statusCode && e.statusCode < 500)
      return errorPage(([400, 403, 404, 409, 413] as const).find((s) => s === e.statusCode) ?? 400);
    request.log.error({ err: { message: e.message, code: e.code } }, 'request failed');
    return errorPage(500);
  });
  return app;
}
