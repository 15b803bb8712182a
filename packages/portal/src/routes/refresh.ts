import type { FastifyInstance, FastifyReply } from 'fastify';
import { usageDocument } from '../activation/document.ts';
import { signChecked, storeDocument } from '../activation/issue.ts';
import type { PortalContext } from '../context.ts';
import { matchesHash } from '../security/tokens.ts';
import { latestDocument, type StoredDocument } from '../storage/documents.ts';
import { getPlan } from '../storage/plans.ts';
import { type Subscriber, subscriberById } from '../storage/subscribers.ts';
import { activeSubscription, latestSubscription } from '../storage/subscriptions.ts';

/**
 * Whether the usage of the subscription is not the one the document carries. Comparing with the document's own usage
 * time, not with when it was made, means a usage time the clock never reaches cannot make every refresh sign again.
 * A document stored before its usage time was recorded falls back to "usage reported after it was made".
 */
function usageChanged(stored: StoredDocument, usageAt: string): boolean {
  return stored.usage_at === null ? usageAt > stored.created_at : usageAt !== stored.usage_at;
}

/**
 * The document to answer: the newest one, after issuing a usage-only document (Plans with Usage, as the account
 * provisioning page recommends) when the usage changed since it was made.
 */
async function currentDocument(
  ctx: PortalContext,
  subscriber: Subscriber,
): Promise<StoredDocument | undefined> {
  const { db } = ctx.store;
  const stored = await latestDocument(db, subscriber.id);
  const subscription =
    (await activeSubscription(db, subscriber.id)) ?? (await latestSubscription(db, subscriber.id));
  if (!stored || !subscription?.usage_at || !usageChanged(stored, subscription.usage_at)) return stored;
  const plan = await getPlan(db, subscription.plan_id);
  if (!plan) return stored;
  const document = await signChecked(ctx, usageDocument(ctx.config, subscriber, plan, subscription), 'usage');
  try {
    await storeDocument(db, ctx, subscriber.id, document);
  } catch (error) {
    // A concurrent refresh stored the same version first; its document carries the same usage.
    ctx.log.info(
      { subscriber: subscriber.id, error: (error as Error).message },
      'usage document stored concurrently',
    );
  }
  return latestDocument(db, subscriber.id);
}

/** Reads HTTP Basic credentials. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function unauthorized(reply: FastifyReply): FastifyReply {
  // The same answer whatever was wrong: the subscriber, the user name or the password.
  return reply
    .code(401)
    .header('www-authenticate', 'Basic realm="mbprov refresh", charset="UTF-8"')
    .header('content-type', 'text/plain; charset=utf-8')
    .send('Unauthorized\n');
}

/**
 * The RefreshURL: Windows GETs it with HTTP Basic credentials DelayInDays after a document, or when an SMS asks.
 * Answers the subscriber's newest signed document, 304 when its ETag matches If-None-Match, 401 for anything
 * wrong (checked in constant time, revealing nothing). Rate-limited.
 */
export function refreshRoutes(app: FastifyInstance, ctx: PortalContext): void {
  app.get<{ Params: { subscriberId: string } }>(
    '/refresh/:subscriberId',
    { config: { rateLimit: { max: ctx.config.rateLimits.entryPerMinute, timeWindow: '1 minute' } } },
    async (request, reply) => {
      reply.raw.once('finish', () => ctx.metrics?.refreshes.inc({ status: String(reply.statusCode) }));
      const credentials = basicCredentials(request.headers.authorization);
      const subscriber = credentials
        ? await subscriberById(ctx.store.db, request.params.subscriberId)
        : undefined;
      // Compare the hash even for an unknown subscriber, so timing does not tell which part was wrong.
      const hash = subscriber?.refresh_password_hash ?? '0'.repeat(64);
      const passwordOk = matchesHash(credentials?.password ?? '', hash);
      if (!subscriber || !credentials || credentials.user !== subscriber.refresh_user || !passwordOk)
        return unauthorized(reply);
      const stored = await currentDocument(ctx, subscriber);
      if (!stored)
        return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('No document\n');
      reply.header('etag', stored.etag).header('cache-control', 'no-cache');
      const match = request.headers['if-none-match'];
      if (match?.split(',').some((t) => t.trim() === stored.etag)) return reply.code(304).send();
      return reply
        .header('content-type', 'application/xml; charset=utf-8')
        .send(ctx.secrets.decrypt(stored.xml_encrypted));
    },
  );
}
