import { Redis } from 'ioredis';
import type { Logger } from '../context.ts';
import type { CounterAdd, CounterBackend, CounterWindow } from './batched-counter.ts';

/** How long the portal waits for Redis at start before it starts anyway (counting in memory until Redis answers). */
const CONNECT_TIMEOUT_MS = 2_000;

/**
 * Redis as the shared counter store: one key per counter window (`<prefix><name>@<window start>`), INCRBY and
 * PEXPIRE in one MULTI per batch, so a key never outlives its window by more than one window of slack. Commands fail
 * at once while Redis is disconnected (no offline queue, no retries of a command): the counter then falls back to
 * memory rather than making requests wait; the connection itself is retried in the background.
 */
export class RedisBackend implements CounterBackend {
  readonly description: string;

  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    where: string,
  ) {
    this.description = `Redis ${where}`;
  }

  /** Connects to `url`; if Redis cannot be reached now, logs a warning and keeps trying in the background. */
  static async connect(url: string, prefix: string, log: Logger): Promise<RedisBackend> {
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: 1_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // Connection errors reach the requests as failed commands (and the fallback's one warning): nothing to log here.
    redis.on('error', () => {});
    const backend = new RedisBackend(redis, prefix, new URL(url).host);
    try {
      await redis.connect();
    } catch (error) {
      log.warn(
        { store: backend.description, err: { message: (error as Error).message } },
        'rate limits: Redis does not answer at start; counting in this process until it does',
      );
    }
    return backend;
  }

  private key(window: CounterWindow): string {
    return `${this.prefix}${window.name}@${window.start}`;
  }

  async add(entries: readonly CounterAdd[]): Promise<number[]> {
    const now = Date.now();
    const multi = this.redis.multi();
    for (const entry of entries) {
      const key = this.key(entry);
      multi.incrby(key, entry.by);
      // The rest of the window plus one window of slack for clocks that differ.
      multi.pexpire(key, Math.max(entry.end - now, 0) + (entry.end - entry.start));
    }
    const results = await multi.exec();
    if (!results) throw new Error('Redis aborted the rate limit transaction');
    return entries.map((_, i) => {
      const [error, count] = results[2 * i] as [Error | null, unknown];
      if (error) throw error;
      return Number(count);
    });
  }

  async read(entries: readonly CounterWindow[]): Promise<number[]> {
    const values = await this.redis.mget(entries.map((e) => this.key(e)));
    return values.map((v) => (v === null ? 0 : Number(v)));
  }

  async close(): Promise<void> {
    // QUIT waits for the answers still due; a connection that is down has nothing to wait for.
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }
}
