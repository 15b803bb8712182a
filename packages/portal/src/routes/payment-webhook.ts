import { MbprovError } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { confirmPayment } from '../activation/payment-confirmation.ts';
import type { PortalContext } from '../context.ts';
import { getCheckout } from '../storage/checkouts.ts';

/** Webhook bodies are small JSON; anything larger is not a provider's. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * POST /payments/webhook: the provider's signed news about a payment. The raw body is verified by the provider
 * (signature and timestamp tolerance) before anything is read from it; an authentic event is acted on like the
 * customer's return (payment-confirmation.ts), so that events delivered twice, late or out of order change nothing
 * twice. Answers 200 once handled (or about a checkout this portal does not know: the provider stops retrying), 400
 * to a forgery, 503 while the database or the provider cannot answer (the provider retries).
 */
export function paymentWebhookRoutes(app: FastifyInstance, ctx: PortalContext): void {
  const provider = ctx.payments;
  const read = provider.readWebhook?.bind(provider);
  if (!read) return;
  app.register(async (scope) => {
    // This route alone keeps the raw bytes: the signature is over them, not over a re-serialized parse.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.post(
      '/payments/webhook',
      { config: { rateLimit: { max: ctx.config.rateLimits.webhookPerMinute, timeWindow: '1 minute' } } },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const event = read(body, request.headers);
        if (!event) return reply.code(200).send({ received: true });
        const checkout = await getCheckout(ctx.store.db, event.checkoutId);
        if (!checkout) {
          request.log.warn({ event: event.eventId }, 'payment webhook for an unknown checkout');
          return reply.code(200).send({ received: true, known: false });
        }
        const outcome = await confirmPayment(ctx, checkout.id, event.state);
        request.log.info(
          { event: event.eventId, checkout: checkout.id, outcome: outcome.kind },
          'payment webhook',
        );
        return reply.code(200).send({ received: true });
      },
    );
  });
}

/** Whether an error reached the webhook route: the JSON answer the error handler gives. */
export function webhookError(error: unknown): { status: number; code: string; message: string } {
  if (error instanceof MbprovError) return { status: error.status, code: error.code, message: error.message };
  return { status: 503, code: 'MBPROV_IO_ERROR', message: 'Try again later.' };
}
