import { MbprovError } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { type CheckoutOutcome, completeCheckout } from '../activation/checkout.ts';
import type { PortalContext } from '../context.ts';
import { getCheckout, subscriberById } from '../storage/subscribers.ts';
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
 * POST /checkout (CSRF-protected, rate-limited): pays and activates, then redirects (303) to the completion page,
 * so a reload never posts again; a repeated post of the same checkout answers the same outcome (idempotent).
 */
export function checkoutRoutes(app: FastifyInstance, ctx: PortalContext, renderer: Renderer): void {
  app.post(
    '/checkout',
    {
      config: { rateLimit: { max: ctx.config.rateLimits.checkoutPerMinute, timeWindow: '1 minute' } },
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const lang = requestLang(request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
      const checkoutId = field(CHECKOUT_FIELDS.checkoutId);
      const checkout = checkoutId ? await getCheckout(ctx.store.db, checkoutId) : undefined;
      if (!checkout)
        throw new MbprovError(
          'MBPROV_CHECKOUT_INVALID',
          'The checkout form has no valid checkout id; open the site again from Windows.',
        );
      const planId = field(CHECKOUT_FIELDS.planId);
      let outcome: CheckoutOutcome;
      if (!planId && checkout.status === 'open') {
        outcome = { kind: 'plan-unavailable' };
      } else {
        outcome = await completeCheckout(ctx, {
          checkoutId,
          planId,
          card: {
            number: field(CHECKOUT_FIELDS.cardNumber),
            expiry: field(CHECKOUT_FIELDS.cardExpiry),
            cvc: field(CHECKOUT_FIELDS.cardCvc),
            name: field(CHECKOUT_FIELDS.cardName),
          },
        });
      }
      ctx.metrics?.activations.inc({ outcome: outcome.kind });
      rememberSubscriber(reply, checkout.subscriber_id);
      if (outcome.kind === 'completed') return reply.redirect('/complete', 303);
      if (outcome.kind === 'already-active') return reply.redirect('/status', 303);
      const subscriber = await subscriberById(ctx.store.db, checkout.subscriber_id);
      if (!subscriber)
        throw new MbprovError('MBPROV_CHECKOUT_INVALID', 'The checkout belongs to no subscriber.');
      const error = outcome.kind === 'declined' ? ERRORS[outcome.reason] : 'plan-unavailable';
      const view = await plansView(ctx, subscriber, {}, lang, reply.generateCsrf(), error);
      return sendPage(ctx, renderer, request, reply, view, lang, outcome.kind === 'declined' ? 402 : 409);
    },
  );
}
