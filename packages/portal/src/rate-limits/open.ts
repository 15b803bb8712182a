import type { Logger, PortalContext } from '../context.ts';
import { BatchedCounter } from './batched-counter.ts';
import type { RateCounter } from './counter.ts';
import { DatabaseBackend } from './database-backend.ts';
import { FallbackCounter } from './fallback-counter.ts';
import { MemoryCounter } from './memory-counter.ts';

/** How long a shared store may take to count before the request is counted in memory instead (fallback-counter.ts). */
const TIMEOUT_MS = 1_000;

/**
 * The counter of the portal's rate limits, as configured: Redis when `rateLimits.redisUrl` is set; else the database
 * when several processes can share it (PostgreSQL); else (SQLite, one process by nature, or `rateLimits.shared:
 * false`) this process's memory. A shared counter falls back to memory while its store does not answer, and says
 * so in `log`.
 */
export async function openRateCounter(ctx: PortalContext, log: Logger): Promise<RateCounter> {
  const { rateLimits } = ctx.config;
  if (!rateLimits.shared) return new MemoryCounter();
  if (rateLimits.redisUrl) {
    // Loaded only when configured: ioredis declares `class VerbatimString extends String`, after which V8 11
    // (Node 20) no longer inlines method calls on primitive strings in the whole process (charCodeAt about five
    // times slower, slice four, indexOf two), which slows every text scan, signing and verification included
    // (docs/benchmarks.md, "Library hot paths").
    const { RedisBackend } = await import('./redis-backend.ts');
    const redis = await RedisBackend.connect(rateLimits.redisUrl, rateLimits.redisKeyPrefix, log);
    return new FallbackCounter(new BatchedCounter(redis, TIMEOUT_MS), log);
  }
  if (ctx.store.openPool) {
    // Two connections: a batch's upsert and its reads run side by side.
    const db = await ctx.store.openPool(2);
    return new FallbackCounter(
      new BatchedCounter(new DatabaseBackend(db, ctx.store.description), TIMEOUT_MS),
      log,
    );
  }
  return new MemoryCounter();
}
