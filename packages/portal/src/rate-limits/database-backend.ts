import type { Db } from '../storage/database.ts';
import { addRateLimitHits, readRateLimitCounts } from '../storage/rate-limits.ts';
import type { CounterAdd, CounterBackend, CounterWindow } from './batched-counter.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The portal's own database as the shared counter store (PostgreSQL: every process on it counts in one table). A
 * batch is one upsert statement, or one select for reads. It runs on a pool of its own (openSidePool), so that a count
 * never queues behind the requests' transactions for a connection; the pool is closed with the counter.
 */
export class DatabaseBackend implements CounterBackend {
  constructor(
    private readonly db: Db,
    readonly description: string,
  ) {}

  add(entries: readonly CounterAdd[]): Promise<number[]> {
    return addRateLimitHits(
      this.db,
      entries.map((e) => ({
        name: e.name,
        windowStart: iso(e.start),
        by: e.by,
        // One window of slack: a process whose clock runs behind still counts in this window.
        expiresAt: iso(e.end + (e.end - e.start)),
      })),
    );
  }

  read(entries: readonly CounterWindow[]): Promise<number[]> {
    return readRateLimitCounts(
      this.db,
      entries.map((e) => ({ name: e.name, windowStart: iso(e.start) })),
    );
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
