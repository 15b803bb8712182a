import { MbprovError } from '@mbprov/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyCacheOf } from '../../backoffice/api-key-cache.ts';
import { type ApiCaller, allows, authenticate, type Scope } from '../../backoffice/api-keys.ts';
import type { PortalContext } from '../../context.ts';
import { MinuteCounter } from '../../security/minute-counter.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: ApiCaller;
  }
}

/** The preHandler that lets a request through only with a key holding `scope`. */
export type Guard = (scope: Scope) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** The 429 for a caller who must wait `seconds`, with the Retry-After header that says so. */
function tooMany(reply: FastifyReply, seconds: number): MbprovError {
  reply.header('retry-after', String(seconds));
  return new MbprovError('MBPROV_RATE_LIMITED', `Too many requests; try again in ${seconds} s.`);
}

/**
 * Makes the route guard: authenticates the bearer key and checks one scope, throwing the catalog's 401/403/429.
 * An address that failed too often this minute is refused before any key is looked up (guessing keys costs the
 * guesser, not the database); a key is limited to its requests per minute. The counters are shared by every
 * route, so make one guard per server. Verified keys come from the store handle's cache (api-key-cache.ts): a key
 * revoked by another process is refused after at most API_KEY_CACHE_TTL_MS.
 */
export function guards(ctx: PortalContext): Guard {
  const perKey = new MinuteCounter(ctx.config.rateLimits.apiPerMinute);
  const failures = new MinuteCounter(ctx.config.rateLimits.apiAuthFailuresPerMinute);
  const cache = apiKeyCacheOf(ctx.store.db);
  return (scope) => async (request, reply) => {
    const now = ctx.clock().getTime();
    const blocked = failures.blockedFor(request.ip, now);
    if (blocked) throw tooMany(reply, blocked);
    const caller = await authenticate(ctx.store.db, request.headers.authorization, { cache, now });
    if (!caller) {
      failures.hit(request.ip, now);
      // Headers set before the throw reach the client: the error handler only adds the status and body.
      reply.header('www-authenticate', 'Bearer realm="mbprov"');
      throw new MbprovError(
        'MBPROV_AUTH_REQUIRED',
        'Send an API key: Authorization: Bearer mbp_<id>_<secret>.',
      );
    }
    const wait = perKey.hit(caller.keyId, now);
    if (wait) throw tooMany(reply, wait);
    if (!allows(caller, scope))
      throw new MbprovError('MBPROV_API_SCOPE', `This key lacks the ${scope} scope.`);
    request.apiCaller = caller;
  };
}
