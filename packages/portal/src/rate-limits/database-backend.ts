import type { Store } from '../storage/database.ts';
import { addRateLimitHits, readRateLimitCounts } from '../storage/rate-limits.ts';
import type { CounterAdd, CounterBackend, CounterWindow } from './batched-counter.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The portal's own database as the shared counter store (PostgreSQL: every process on it counts in one table). A
 * batch is one upsert statement, or one select for reads.
 */
export class DatabaseBackend implements CounterBackend {
  readonly description: string;

  constructor(private readonly store: Store) {
    this.description = store.description;
  }

  add(entries: readonly CounterAdd[]): Promise<number[]> {
    return addRateLimitHits(
      this.store.db,
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
      this.store.db,
      entries.map((e) => ({ name: e.name, windowStart: iso(e.start) })),
    );
  }

  /** The store is the portal's: closing it is not the counter's business. */
  async close(): Promise<void> {}
}
