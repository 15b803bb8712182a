import type { FastifyInstance, FastifyReply } from 'fastify';
import { usageDocument } from '../activation/document.ts';
import { openStoredDocument } from '../activation/documents-at-rest.ts';
import { signChecked, storeDocument } from '../activation/issue.ts';
import type { PortalContext } from '../context.ts';
import { basicCredentials } from '../security/basic-credentials.ts';
import { matchesHash } from '../security/tokens.ts';
import {
  documentSealed,
  latestDocument,
  type RefreshState,
  refreshState,
  type StoredDocument,
} from '../storage/documents.ts';
import { getPlan } from '../storage/plans.ts';
import { type Subscriber, subscriberById } from '../storage/subscribers.ts';
import { activeSubscription, latestSubscription, usageTimeOf } from '../storage/subscriptions.ts';

/**
 * Whether the usage of the subscription is not the one the document carries. Comparing with the document's own usage
 * time, not with when it was made, means a usage time the clock never reaches cannot make every refresh sign again.
 * A document stored before its usage time was recorded falls back to "usage reported after it was made".
 */
function usageChanged(stored: Pick<StoredDocument, 'usage_at' | 'created_at'>, usageAt: string): boolean {
  return stored.usage_at === null ? usageAt > stored.created_at : usageAt !== stored.usage_at;
}

/** Whether the refresh must sign a usage-only document first, judged from the refresh state alone. */
function needsUsageDocument(state: RefreshState): boolean {
  if (state.documentCreatedAt === null || state.subscriptionUsageAt === null) return false;
  return usageChanged(
    { usage_at: state.documentUsageAt, created_at: state.documentCreatedAt },
    state.subscriptionUsageAt,
  );
}

/**
 * The document to answer when the refresh state shows a usage change: the newest one, after issuing a usage-only
 * document (Plans with Usage, as the account provisioning page recommends) when the usage still differs from the one
 * it carries (read again here: a concurrent refresh may have signed it meanwhile).
 */
async function currentDocument(
  ctx: PortalContext,
  subscriber: Subscriber,
): Promise<StoredDocument | undefined> {
  const { db } = ctx.store;
  const stored = await latestDocument(db, subscriber.id);
  const subscription =
    (await activeSubscription(db, subscriber.id)) ?? (await latestSubscription(db, subscriber.id));
  const usageAt = subscription && usageTimeOf(subscription);
  if (!stored || !usageAt || !usageChanged(stored, usageAt)) return stored;
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

/** The ETag to answer and, only when it must be sent, the stored (sealed) XML behind it. */
interface RefreshAnswer {
  etag: string;
  sealed: () => Promise<Uint8Array>;
}

/**
 * What a refresh answers, from its state: the newest document as it is (one more row read, and only for a 200), or
 * after signing a usage-only document when the usage changed since it was made. Undefined when there is none.
 */
async function refreshAnswer(
  ctx: PortalContext,
  state: RefreshState,
  subscriberId: string,
): Promise<RefreshAnswer | undefined> {
  const { db } = ctx.store;
  if (needsUsageDocument(state)) {
    const subscriber = await subscriberById(db, subscriberId);
    const stored = subscriber && (await currentDocument(ctx, subscriber));
    return stored && { etag: stored.etag, sealed: async () => stored.sealed };
  }
  const { documentVersion, etag } = state;
  if (documentVersion === null || etag === null) return undefined;
  return {
    etag,
    sealed: async () => {
      const sealed = await documentSealed(db, subscriberId, documentVersion);
      // The prune job keeps at least the two newest versions (documents.keepVersions), so the newest one can only
      // go between the two reads when two more are signed and a prune batch runs meanwhile.
      if (sealed === undefined)
        throw new Error(`document version ${documentVersion} of ${subscriberId} vanished during a refresh`);
      return sealed;
    },
  };
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
    {
      config: { rateLimit: { max: ctx.config.rateLimits.entryPerMinute, timeWindow: '1 minute' } },
      // Every answer counted by status, refused ones included (a callback hook: no promise per request).
      onResponse: (_request, reply, done) => {
        ctx.metrics?.refreshes.inc({ status: String(reply.statusCode) });
        done();
      },
    },
    async (request, reply) => {
      const credentials = basicCredentials(request.headers.authorization);
      const state = credentials ? await refreshState(ctx.store.db, request.params.subscriberId) : undefined;
      // Compare the hash even for an unknown subscriber, so timing does not tell which part was wrong.
      const hash = state?.refreshPasswordHash ?? '0'.repeat(64);
      const passwordOk = matchesHash(credentials?.password ?? '', hash);
      if (!state || !credentials || credentials.user !== state.refreshUser || !passwordOk)
        return unauthorized(reply);
      const answer = await refreshAnswer(ctx, state, request.params.subscriberId);
      if (!answer)
        return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('No document\n');
      reply.header('etag', answer.etag).header('cache-control', 'no-cache');
      const match = request.headers['if-none-match'];
      if (match?.split(',').some((t) => t.trim() === answer.etag)) return reply.code(304).send();
      return reply
        .header('content-type', 'application/xml; charset=utf-8')
        .send(await openStoredDocument(ctx, await answer.sealed()));
    },
  );
}
