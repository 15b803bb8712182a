import type { Logger } from '../context.ts';
import type { RateCounter, WindowCount } from './counter.ts';
import { MemoryCounter } from './memory-counter.ts';

/** How long counting stays in process memory after the shared store failed, before it is tried again. */
export const SHARED_RETRY_MS = 5_000;

/**
 * A shared counter that fails open: when the shared store errs or is slow (the batch's timeout), the request is
 * counted in this process's memory instead and the portal keeps answering; for {@link SHARED_RETRY_MS} afterwards
 * every count stays in memory (a dead store costs no waiting per request), then the store is tried again. One warning
 * when the store is lost, one line when it is back. Meanwhile each process enforces the limits on its own, from zero:
 * a client gets up to the limit per process, as before the counts were shared.
 */
export class FallbackCounter implements RateCounter {
  private readonly local = new MemoryCounter();
  private downUntil = 0;
  private down = false;

  constructor(
    private readonly shared: RateCounter,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  get description(): string {
    return `${this.shared.description}, else process memory`;
  }

  hit(name: string, windowMs: number, now: number): Promise<WindowCount> {
    return this.count('hit', name, windowMs, now);
  }

  read(name: string, windowMs: number, now: number): Promise<WindowCount> {
    return this.count('read', name, windowMs, now);
  }

  async close(): Promise<void> {
    await this.shared.close();
  }

  private async count(
    how: 'hit' | 'read',
    name: string,
    windowMs: number,
    now: number,
  ): Promise<WindowCount> {
    if (this.clock() < this.downUntil)
      return how === 'hit' ? this.local.hitNow(name, windowMs, now) : this.local.readNow(name, windowMs, now);
    try {
      const count = await this.shared[how](name, windowMs, now);
      if (this.down) {
        this.down = false;
        this.log.info({ store: this.shared.description }, 'rate limits: the shared store answers again');
      }
      return count;
    } catch (error) {
      this.downUntil = this.clock() + SHARED_RETRY_MS;
      if (!this.down) {
        this.down = true;
        this.log.warn(
          { store: this.shared.description, err: { message: (error as Error).message } },
          'rate limits: the shared store does not answer; counting in this process until it does',
        );
      }
      return how === 'hit' ? this.local.hitNow(name, windowMs, now) : this.local.readNow(name, windowMs, now);
    }
  }
}
