import { type RateCounter, type WindowCount, windowOf } from './counter.ts';

/**
 * Counts in this process's memory: the counter of a portal that runs alone (SQLite), and the fallback of a shared
 * counter that cannot be reached. Bounded: past `names` names, the one counted longest ago is forgotten first.
 */
export class MemoryCounter implements RateCounter {
  readonly description = 'process memory';
  private readonly windows = new Map<string, { start: number; count: number }>();

  /** @param names most names remembered at once */
  constructor(private readonly names = 10_000) {}

  private window(name: string, windowMs: number, now: number): { start: number; count: number } {
    const { start } = windowOf(now, windowMs);
    let window = this.windows.get(name);
    if (!window || window.start !== start) {
      this.windows.delete(name);
      if (this.windows.size >= this.names) this.windows.delete(this.windows.keys().next().value as string);
      window = { start, count: 0 };
      this.windows.set(name, window);
    }
    return window;
  }

  /** {@link RateCounter.hit}, answered at once. */
  hitNow(name: string, windowMs: number, now: number): WindowCount {
    const window = this.window(name, windowMs, now);
    window.count++;
    return { count: window.count, resetMs: window.start + windowMs - now };
  }

  /** {@link RateCounter.read}, answered at once. */
  readNow(name: string, windowMs: number, now: number): WindowCount {
    const { start, end } = windowOf(now, windowMs);
    const window = this.windows.get(name);
    return { count: window?.start === start ? window.count : 0, resetMs: end - now };
  }

  async hit(name: string, windowMs: number, now: number): Promise<WindowCount> {
    return this.hitNow(name, windowMs, now);
  }

  async read(name: string, windowMs: number, now: number): Promise<WindowCount> {
    return this.readNow(name, windowMs, now);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}
