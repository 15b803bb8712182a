import { MbprovError } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { type CheckoutOutcome, completeCheckout } from '../activation/checkout.ts';
import type { PortalContext } from '../context.ts';
import { readCheckoutTicket } from '../security/checkout-ticket.ts';
import { sameOriginGuard } from '../security/same-origin.ts';
import { subscriberById } from '../storage/subscribers.ts';
import type { PlansView } from '../views/models.ts';
import { CHECKOUT_FIELDS, type Renderer } from '../views/render.ts';
import { plansView } from './entry.ts';
import { rememberSubscriber, requestLang, sendPage } from './pages.ts';

const ERRORS: Record<string, PlansView['error']> = {
  'card-declined': 'declined',
  'insufficient-funds': 'declined',
  'expired-card': 'invalid-card',
  'invalid-card': 'invalid-card',
};

/**
 * POST /checkout (same origin, CSRF-protected, rate-limited): stores the checkout of the plans page's ticket, pays
 * and activates, then redirects (303) to the completion page, so a reload never posts again; a repeated post of the
 * same ticket answers the same outcome (idempotent). Past the checkout limits of the SIM or the client address it
 * answers 429 and stores nothing.
 */
export function checkoutRoutes(app: FastifyInstance, ctx: PortalContext, renderer: Renderer): void {
  app.post(
    '/checkout',
    {
      config: { rateLimit: { max: ctx.config.rateLimits.checkoutPerMinute, timeWindow: '1 minute' } },
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
      const outcome: CheckoutOutcome = await completeCheckout(ctx, {
        checkoutId: ticket.checkoutId,
        subscriberId: subscriber.id,
        shownAt: ticket.shownAt,
        planId: field(CHECKOUT_FIELDS.planId),
        card: {
          number: field(CHECKOUT_FIELDS.cardNumber),
          expiry: field(CHECKOUT_FIELDS.cardExpiry),
          cvc: field(CHECKOUT_FIELDS.cardCvc),
          name: field(CHECKOUT_FIELDS.cardName),
        },
        client: ctx.secrets.clientKey(request.ip),
      });
      ctx.metrics?.activations.inc({ outcome: outcome.kind });
      if (outcome.kind === 'unknown-checkout')
        throw new MbprovError('MBPROV_CHECKOUT_INVALID', 'The checkout belongs to another subscriber.');
      if (outcome.kind === 'limited') {
        request.log.info({ code: 'MBPROV_CHECKOUT_LIMIT' }, 'too many checkouts for the SIM or the client');
        reply.header('retry-after', String(outcome.retryAfterSeconds));
        return sendPage(
          ctx,
          renderer,
          request,
          reply,
          { page: 'error', status: 429, reason: 'checkout-limit' },
          lang,
        );
      }
      rememberSubscriber(reply, subscriber.id);
      if (outcome.kind === 'completed') return reply.redirect('/complete', 303);
      if (outcome.kind === 'already-active') return reply.redirect('/status', 303);
      if (outcome.kind === 'expired')
        request.log.info({ code: 'MBPROV_CHECKOUT_EXPIRED' }, 'the checkout form or its checkout expired');
      const error = outcome.kind === 'declined' ? ERRORS[outcome.reason] : outcome.kind;
      const view = await plansView(ctx, subscriber, {}, lang, reply.generateCsrf(), error);
      return sendPage(ctx, renderer, request, reply, view, lang, outcome.kind === 'declined' ? 402 : 409);
    },
  );
}
