import type { FastifyInstance } from 'fastify';
import type { Subscriber } from '../../src/storage/subscribers.ts';
import type { TestContext } from './context.ts';

/** GETs a subscriber's RefreshURL as Windows does: its HTTP Basic credentials, and If-None-Match when given. */
export function refreshAs(app: FastifyInstance, ctx: TestContext, subscriber: Subscriber, etag?: string) {
  const password = ctx.secrets.refreshPassword(subscriber.id, subscriber.credential_version);
  return app.inject({
    method: 'GET',
    url: `/refresh/${subscriber.id}`,
    headers: {
      authorization: `Basic ${Buffer.from(`${subscriber.refresh_user}:${password}`).toString('base64')}`,
      ...(etag ? { 'if-none-match': etag } : {}),
    },
  });
}
