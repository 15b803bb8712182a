import { MbprovError } from '@mbprov/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyCacheOf } from '../../backoffice/api-key-cache.ts';
import { type ApiCaller, allows, authenticate, cachedCaller, type Scope } from '../../backoffice/api-keys.ts';
import type { PortalContext } from '../../context.ts';
import type { WindowCount } from '../../rate-limits/counter.ts';
import type { RateLimits } from '../../rate-limits/rate-limits.ts';
import { basicCredentials } from '../../security/basic-credentials.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: ApiCaller;
  }
}

/** How a route takes its key: `Authorization: Bearer <key>`, or also as the password of HTTP Basic. */
export interface GuardOptions {
  /**
   * Also accept the key as an HTTP Basic password (any user name): for clients that can send Basic credentials but
   * no header of their own, such as FreeRADIUS's rest module (`auth = basic`).
   */
  basic?: boolean;
}

/** The preHandler that lets a request through only with a key holding `scope`. */
export type Guard = (
  scope: Scope,
  options?: GuardOptions,
) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** The bearer form of a Basic header whose password is an API key; any other header as it is. */
function bearerOfBasic(header: string | undefined): string | undefined {
  const password = basicCredentials(header)?.password;
  return password?.startsWith('mbp_') ? `Bearer ${password}` : header;
}

const MINUTE_MS = 60_000;

/** The 429 for a caller who must wait `ms`, with the Retry-After header (whole seconds, at least 1) that says so. */
function tooMany(reply: FastifyReply, ms: number): MbprovError {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  reply.header('retry-after', String(seconds));
  return new MbprovError('MBPROV_RATE_LIMITED', `Too many requests; try again in ${seconds} s.`);
}

/**
 * Makes the route guard: authenticates the bearer key and checks one scope, throwing the catalog's 401/403/429.
 * An address that failed too often this minute is refused before any key is looked up (guessing keys costs the
 * guesser, not the database), a good key included; a key is limited to its requests per minute. Both count in
 * `limits` (shared by every portal process when the counter is), in one-minute windows of the portal clock. Verified
 * keys come from the store handle's cache (api-key-cache.ts): a key revoked by another process is refused after at
 * most API_KEY_CACHE_TTL_MS. A cached key costs no query to check, so its address's failures are read in the same
 * round trip to the counter as its count: a busy billing system's call waits for the shared counter once.
 */
export function guards(ctx: PortalContext, limits: RateLimits): Guard {
  const { apiPerMinute, apiAuthFailuresPerMinute } = ctx.config.rateLimits;
  const cache = apiKeyCacheOf(ctx.store.db);
  const failuresOf = (ip: string) => `api-auth-failures ${ip}`;
  const failed = (ip: string, now: number) =>
    limits.read(failuresOf(ip), apiAuthFailuresPerMinute, MINUTE_MS, now);
  const counted = (caller: ApiCaller, now: number) =>
    limits.hit(`api-key ${caller.keyId}`, apiPerMinute, MINUTE_MS, now);
  return (scope, options = {}) =>
    async (request, reply) => {
      const now = ctx.clock().getTime();
      const given = request.headers.authorization;
      const header = options.basic ? bearerOfBasic(given) : given;
      let caller = cachedCaller(header, cache, now);
      let used: WindowCount | undefined;
      if (caller) {
        const [failures, count] = await Promise.all([failed(request.ip, now), counted(caller, now)]);
        if (failures.count >= apiAuthFailuresPerMinute) throw tooMany(reply, failures.resetMs);
        used = count;
      } else {
        const failures = await failed(request.ip, now);
        if (failures.count >= apiAuthFailuresPerMinute) throw tooMany(reply, failures.resetMs);
        caller = await authenticate(ctx.store.db, header, { cache, now });
        if (!caller) {
          await limits.hit(failuresOf(request.ip), apiAuthFailuresPerMinute, MINUTE_MS, now);
          // Headers set before the throw reach the client: the error handler only adds the status and body.
          reply.header('www-authenticate', options.basic ? 'Basic realm="mbprov"' : 'Bearer realm="mbprov"');
          throw new MbprovError(
            'MBPROV_AUTH_REQUIRED',
            options.basic
              ? 'Send an API key: Authorization: Bearer mbp_<id>_<secret>, or as the HTTP Basic password.'
              : 'Send an API key: Authorization: Bearer mbp_<id>_<secret>.',
          );
        }
        used = await counted(caller, now);
      }
      if (used.count > apiPerMinute) throw tooMany(reply, used.resetMs);
      if (!allows(caller, scope))
        throw new MbprovError('MBPROV_API_SCOPE', `This key lacks the ${scope} scope.`);
      request.apiCaller = caller;
    };
}
