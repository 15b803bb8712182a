import { accessReason } from '../backoffice/policy.ts';
import type { PortalContext } from '../context.ts';
import {
  canonicalAddress,
  DynamicAuthorizationClient,
  type SessionIdentity,
} from '../radius/dynamic-authorization.ts';
import { type ConfiguredNas, configuredNases, endSession } from '../radius/nas.ts';
import { closeEndedSession, openSessionsOf, type RadiusSession } from '../storage/radius-sessions.ts';
import { radiusUserById } from '../storage/radius-users.ts';
import { expireEnded } from '../storage/subscriptions.ts';

/**
 * Ending the Wi-Fi sessions of subscribers whose access closed (plan expired, exhausted, subscriber suspended): the
 * trigger only enqueues a `disconnect-sessions` job, so neither a request nor the sweep waits for a NAS; the job
 * sends each open accounting session's NAS a Disconnect-Request (or CoA, radius.nas[].action) and closes the
 * session row once the NAS says it is gone. A timeout leaves the row open and fails the job, which the queue retries
 * (a bounded number of times, with backoff); the retry asks only about sessions still open.
 */

/** Why access closed (for the log). */
export type DisconnectReason = 'expired' | 'exhausted' | 'suspended';

/** Subscribers one job carries at most: a sweep's batch fits in a few jobs, each quick to retry. */
const SUBSCRIBERS_PER_JOB = 100;

/** Requests in flight at once: a slow NAS delays the job, not every other session. */
const CONCURRENT_REQUESTS = 16;

/**
 * Queues the end of the open sessions of `subscriberIds`. Nothing when no NAS is configured. Never throws: the
 * change that closed the access is stored already, and the NAS still ends the session at its Session-Timeout or
 * when the next Access-Request is refused; a failure to queue is logged.
 */
export async function requestDisconnects(
  ctx: PortalContext,
  subscriberIds: readonly string[],
  reason: DisconnectReason,
): Promise<void> {
  if (subscriberIds.length === 0 || ctx.config.radius.nas.length === 0) return;
  if (!ctx.queue) {
    ctx.log.warn({ subscribers: subscriberIds.length, reason }, 'no job queue: sessions not disconnected');
    return;
  }
  const unique = [...new Set(subscriberIds)];
  try {
    for (let i = 0; i < unique.length; i += SUBSCRIBERS_PER_JOB)
      await ctx.queue.enqueue('disconnect-sessions', {
        subscriberIds: unique.slice(i, i + SUBSCRIBERS_PER_JOB),
        reason,
      });
  } catch (error) {
    ctx.log.error({ err: (error as Error).message, reason }, 'could not queue the disconnect job');
  }
}

/**
 * Marks a subscriber's plan expired when it has ended (a page or the policy API reads it before the sweep does) and
 * queues the end of its sessions, which the sweep then never sees.
 */
export async function expireEndedOf(ctx: PortalContext, subscriberId: string): Promise<void> {
  if ((await expireEnded(ctx.store.db, subscriberId, ctx.clock().toISOString())) > 0)
    await requestDisconnects(ctx, [subscriberId], 'expired');
}

/** What one run of the job did. */
export interface DisconnectSummary {
  /** Sessions the NAS ended (Disconnect ACK, or NAK Session-Context-Not-Found): their rows are closed. */
  closed: number;
  /** Sessions whose NAS did not answer in time: left open, the job is retried. */
  timedOut: number;
  /** Sessions the NAS refused to end (another NAK): left open, logged, not retried. */
  refused: number;
  /** Sessions of a NAS that is not in radius.nas: logged and skipped. */
  unknownNas: number;
  /** Subscribers skipped because their access is open again (a new plan, resumed). */
  reopened: number;
}

/** The configured NAS that holds a session: by NAS-IP-Address (or IPv6), else by NAS-Identifier as its name. */
function nasOf(nases: readonly ConfiguredNas[], session: RadiusSession): ConfiguredNas | undefined {
  // One form for IPv6 (compressed), so that the configuration and accounting compare equal.
  const address = session.nas_ip_address ? canonicalAddress(session.nas_ip_address) : undefined;
  return (
    nases.find((n) => address !== undefined && canonicalAddress(n.target.address) === address) ??
    nases.find((n) => session.nas_identifier !== null && n.target.name === session.nas_identifier)
  );
}

/** What a Disconnect names: the accounting session's identifiers as the NAS reported them. */
function identityOf(session: RadiusSession): SessionIdentity {
  return {
    acctSessionId: session.session_id,
    userName: session.user_name,
    ...(session.nas_ip_address ? { nasIpAddress: session.nas_ip_address } : {}),
    ...(session.nas_identifier ? { nasIdentifier: session.nas_identifier } : {}),
    ...(session.framed_ip_address ? { framedIpAddress: session.framed_ip_address } : {}),
  };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function pooled<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Ends the open sessions of `subscriberIds` whose access is still closed, at the NASes that hold them. Throws after
 * doing all it could when a NAS did not answer, so that the queue runs the job again later.
 */
export async function disconnectSessions(
  ctx: PortalContext,
  subscriberIds: readonly string[],
  reason: string,
): Promise<DisconnectSummary> {
  const summary: DisconnectSummary = { closed: 0, timedOut: 0, refused: 0, unknownNas: 0, reopened: 0 };
  if (ctx.config.radius.nas.length === 0) return summary;
  const nases = configuredNases(ctx.config.radius.nas);
  const now = () => ctx.clock().toISOString();
  const sessions: RadiusSession[] = [];
  for (const id of subscriberIds) {
    const user = await radiusUserById(ctx.store.db, id);
    if (user && accessReason(user, now()) === 'active') summary.reopened++;
    else sessions.push(...(await openSessionsOf(ctx.store.db, id)));
  }
  const client = new DynamicAuthorizationClient({ log: ctx.log, clock: ctx.clock });
  try {
    await pooled(sessions, CONCURRENT_REQUESTS, async (session) => {
      const at = { subscriber: session.subscriber_id, session: session.session_id, reason };
      const nas = nasOf(nases, session);
      if (!nas) {
        summary.unknownNas++;
        ctx.log.warn({ ...at, nas: session.nas }, 'session of a NAS not in radius.nas: not disconnected');
        return;
      }
      const result = await endSession(client, nas, identityOf(session));
      const logged = { ...at, nas: nas.target.name, action: nas.action, outcome: result.outcome };
      if (result.ok) {
        // A CoA leaves the session alive in the walled garden (its accounting goes on): only a Disconnect ends it.
        if (
          nas.action === 'disconnect' &&
          (await closeEndedSession(ctx.store.db, session.id, 'Admin-Reset', now()))
        )
          summary.closed++;
        ctx.log.info(
          logged,
          nas.action === 'disconnect' ? 'session ended at its NAS' : 'session moved to the walled garden',
        );
      } else if (result.outcome === 'timeout') {
        summary.timedOut++;
        ctx.log.warn({ ...logged, attempts: result.attempts }, 'NAS did not answer: session left open');
      } else {
        summary.refused++;
        ctx.log.warn({ ...logged, errorCause: result.errorCauseName ?? result.errorCause }, 'NAS refused');
      }
    });
  } finally {
    await client.close();
  }
  if (summary.timedOut > 0)
    throw new Error(
      `${summary.timedOut} session(s) not disconnected: their NAS did not answer (retried later)`,
    );
  return summary;
}

/** The job's handler: checks its data (it is read back from the database) and runs it. */
export async function runDisconnectJob(ctx: PortalContext, data: Record<string, unknown>): Promise<void> {
  const { subscriberIds, reason } = data;
  if (!Array.isArray(subscriberIds) || !subscriberIds.every((id) => typeof id === 'string'))
    throw new Error('a disconnect-sessions job without subscriberIds');
  const summary = await disconnectSessions(
    ctx,
    subscriberIds,
    typeof reason === 'string' ? reason : 'unknown',
  );
  ctx.log.info({ ...summary, reason }, 'disconnect job done');
}
