import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimits } from './rate-limits.ts';

type Answer = Parameters<FastifyRateLimitStore['incr']>[1];

/**
 * A store class for @fastify/rate-limit (its `store` option) that counts the page limits in `limits`: process
 * memory, PostgreSQL or Redis, in windows of the portal clock, as the API guard does. The plugin makes one child per
 * rate-limited route (`child`), which counts under the route's method and path, as the plugin's own stores do.
 */
export function pageLimitStore(limits: RateLimits, clock: () => Date): FastifyRateLimitStoreCtor {
  class PageLimitStore implements FastifyRateLimitStore {
    /** @param route the method and path the counts are kept under ('' for the plugin's unused global store) */
    constructor(
      _options: unknown,
      private readonly route = '',
    ) {}

    incr(key: string, answer: Answer, timeWindow: number, max: number): void {
      limits.hit(`page ${this.route} ${key}`, max, timeWindow, clock().getTime()).then(
        (count) => answer(null, { current: count.count, ttl: count.resetMs }),
        (error: Error) => answer(error),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      const route = (routeOptions as { routeInfo?: { method?: unknown; url?: string } }).routeInfo;
      return new PageLimitStore(undefined, `${String(route?.method)} ${route?.url}`);
    }
  }
  return PageLimitStore;
}
