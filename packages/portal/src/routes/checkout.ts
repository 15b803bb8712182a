import { MbprovError } from '@mbprov/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type CheckoutOutcome, returnFromPayment, startCheckout } from '../activation/checkout.ts';
import type { PortalContext } from '../context.ts';
import { MAX_EMAIL_LENGTH, parseReceiptEmail } from '../mail/email-address.ts';
import { readCheckoutTicket } from '../security/checkout-ticket.ts';
import { sameOriginGuard } from '../security/same-origin.ts';
import { getCheckout } from '../storage/checkouts.ts';
import { type Subscriber, subscriberById } from '../storage/subscribers.ts';
import type { Lang, PlansView } from '../views/models.ts';
import { CHECKOUT_FIELDS, type Renderer } from '../views/render.ts';
import { plansView } from './entry.ts';
import { cookieSubscriber, rememberSubscriber, requestLang, sendPage } from './pages.ts';

/** How the plans page explains an outcome that leaves the customer on it. */
const PLAN_ERRORS: Partial<Record<CheckoutOutcome['kind'], PlansView['error']>> = {
  declined: 'declined',
  canceled: 'canceled',
  refunded: 'refunded',
  'plan-unavailable': 'plan-unavailable',
  expired: 'expired',
};

/**
 * Where a customer whose checkout form was refused (an expired or missing CSRF token, another origin, a body too
 * large) starts again: the plans page of the SIM the form was for, named by the form's signed ticket, else by the
 * browser's subscriber cookie. That is the entry URL with the SIM's ICCID (which its plans page shows anyway), or
 * /renew for a SIM without one, in the browser it belongs to. Undefined for any other request.
 */
export async function startAgainUrl(
  ctx: PortalContext,
  request: FastifyRequest,
): Promise<string | undefined> {
  if (request.method !== 'POST' || request.routeOptions.url !== '/checkout') return undefined;
  const body = (request.body ?? {}) as Record<string, unknown>;
  const posted = body[CHECKOUT_FIELDS.checkoutId];
  const ticket = typeof posted === 'string' ? readCheckoutTicket(ctx.secrets, posted) : undefined;
  const known = cookieSubscriber(request);
  const id = ticket?.subscriberId ?? known;
  const subscriber = id ? await subscriberById(ctx.store.db, id) : undefined;
  if (subscriber?.iccid) return `/?${new URLSearchParams({ IccId: subscriber.iccid })}`;
  return subscriber && subscriber.id === known ? '/renew' : undefined;
}

/** Seconds the payment-pending page waits before it asks again. */
const PENDING_REFRESH_SECONDS = 3;

/**
 * The checkout's pages:
 * - POST /checkout (same origin, CSRF-protected, rate-limited): stores the checkout of the plans page's ticket and
 *   sends the customer (303) to the payment provider's page; a repeated post of the same ticket gets the same
 *   payment (idempotent). Past the checkout limits of the SIM or the client address it answers 429 and stores
 *   nothing. A provider that cannot be reached leaves the plans page with the plan still chosen (503).
 * - GET /checkout/:id/return and /cancel: where the provider sends the customer back. The provider is asked, never
 *   the URL trusted; a payment not confirmed yet shows a page that asks again every few seconds.
 */
export function checkoutRoutes(app: FastifyInstance, ctx: PortalContext, renderer: Renderer): void {
  const rateLimit = { max: ctx.config.rateLimits.checkoutPerMinute, timeWindow: '1 minute' };

  /** Sends the page of an outcome: completion, status, payment pending, or the plans page explaining it. */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    subscriber: Subscriber,
    outcome: CheckoutOutcome,
    lang: Lang,
    planId: string | undefined,
    errors = PLAN_ERRORS,
  ): Promise<FastifyReply> {
    ctx.metrics?.activations.inc({ outcome: outcome.kind });
    if (outcome.kind === 'unknown-checkout')
      throw new MbprovError('MBPROV_CHECKOUT_INVALID', 'The checkout belongs to another subscriber.');
    if (outcome.kind === 'limited') {
      request.log.info({ code: 'MBPROV_CHECKOUT_LIMIT' }, 'too many checkouts for the SIM or the client');
      reply.header('retry-after', String(outcome.retryAfterSeconds));
      const view = { page: 'error', status: 429, reason: 'checkout-limit' } as const;
      return sendPage(ctx, renderer, request, reply, view, lang);
    }
    rememberSubscriber(reply, subscriber.id);
    if (outcome.kind === 'completed') return reply.redirect('/complete', 303);
    if (outcome.kind === 'already-active') return reply.redirect('/status', 303);
    if (outcome.kind === 'pending') {
      reply.header('refresh', String(PENDING_REFRESH_SECONDS));
      const view = { page: 'payment-pending', refreshSeconds: PENDING_REFRESH_SECONDS } as const;
      return sendPage(ctx, renderer, request, reply, view, lang, 202);
    }
    if (outcome.kind === 'expired')
      request.log.info({ code: 'MBPROV_CHECKOUT_EXPIRED' }, 'the checkout form or its checkout expired');
    const view = await plansView(
      ctx,
      subscriber,
      {},
      lang,
      reply.generateCsrf(),
      errors[outcome.kind],
      planId,
    );
    const status = outcome.kind === 'declined' ? 402 : outcome.kind === 'canceled' ? 200 : 409;
    return sendPage(ctx, renderer, request, reply, view, lang, status);
  }

  app.post(
    '/checkout',
    {
      config: { rateLimit },
      preHandler: [sameOriginGuard(ctx.config.server.publicUrl), app.csrfProtection],
    },
    async (request, reply) => {
      const lang = requestLang(request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
      const ticket = readCheckoutTicket(ctx.secrets, field(CHECKOUT_FIELDS.checkoutId));
      const subscriber = ticket && (await subscriberById(ctx.store.db, ticket.subscriberId));
      if (!ticket || !subscriber)
        throw new MbprovError(
          'MBPROV_CHECKOUT_INVALID',
          'The checkout form has no valid checkout id; open the site again from Windows.',
        );
      const planId = field(CHECKOUT_FIELDS.planId);
      // The receipt field exists only with smtp configured; a refused address stores nothing and marks only itself.
      const typed = field(CHECKOUT_FIELDS.receiptEmail).slice(0, MAX_EMAIL_LENGTH + 1);
      const receiptEmail = ctx.mailer ? parseReceiptEmail(typed) : undefined;
      if (receiptEmail === 'invalid') {
        request.log.info({ code: 'MBPROV_RECEIPT_EMAIL_INVALID' }, 'the receipt e-mail address is not valid');
        const view = await plansView(ctx, subscriber, {}, lang, reply.generateCsrf(), undefined, planId, {
          value: typed,
          invalid: true,
        });
        return sendPage(ctx, renderer, request, reply, view, lang, 400);
      }
      let started: Awaited<ReturnType<typeof startCheckout>>;
      try {
        started = await startCheckout(ctx, {
          checkoutId: ticket.checkoutId,
          subscriberId: subscriber.id,
          shownAt: ticket.shownAt,
          planId,
          client: ctx.secrets.clientKey(request.ip),
          lang,
          ...(receiptEmail ? { receiptEmail } : {}),
        });
      } catch (error) {
        if (!(error instanceof MbprovError) || error.code !== 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE')
          throw error;
        // Nothing was charged; the same form can be posted again (the checkout stays pending until its expiry).
        request.log.warn({ code: error.code }, error.message);
        const view = await plansView(
          ctx,
          subscriber,
          {},
          lang,
          reply.generateCsrf(),
          'provider-unavailable',
          planId,
          { value: typed, invalid: false },
        );
        return sendPage(ctx, renderer, request, reply, view, lang, 503);
      }
      if (started.kind === 'pay') return reply.redirect(started.url, 303);
      // A form posted this late is a page left open too long: the customer is told so, the plan still chosen.
      return answer(request, reply, subscriber, started, lang, planId, {
        ...PLAN_ERRORS,
        expired: 'page-expired',
      });
    },
  );

  for (const how of ['return', 'cancel'] as const)
    app.get<{ Params: { id: string } }>(
      `/checkout/:id/${how}`,
      { config: { rateLimit: { ...rateLimit, max: rateLimit.max * 10 } } },
      async (request, reply) => {
        const lang = requestLang(request, reply);
        const checkout = await getCheckout(ctx.store.db, request.params.id);
        const known = cookieSubscriber(request);
        // The checkout id is a capability (18 random bytes, only in this browser's and the provider's hands); a
        // browser that came with another SIM cannot use it.
        if (!checkout || (known !== undefined && known !== checkout.subscriber_id))
          throw new MbprovError(
            'MBPROV_CHECKOUT_INVALID',
            'No such checkout; open the site again from Windows.',
          );
        const subscriber = await subscriberById(ctx.store.db, checkout.subscriber_id);
        if (!subscriber) throw new MbprovError('MBPROV_CHECKOUT_INVALID', 'No such checkout.');
        const outcome = await returnFromPayment(ctx, checkout.id, subscriber.id);
        // Back from the provider's cancel link: the customer gave up for now; the plans page keeps the plan chosen.
        const shown: CheckoutOutcome =
          how === 'cancel' && outcome.kind === 'pending' ? { kind: 'canceled' } : outcome;
        return answer(request, reply, subscriber, shown, lang, checkout.plan_id ?? undefined);
      },
    );
}
