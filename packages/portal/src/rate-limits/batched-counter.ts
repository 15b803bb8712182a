import { type RateCounter, type WindowCount, windowOf } from './counter.ts';

/** One counter's window in a shared store. Times are epoch ms. */
export interface CounterWindow {
  name: string;
  start: number;
  end: number;
}

/** A window and how many events to add to it. */
export interface CounterAdd extends CounterWindow {
  by: number;
}

/** A shared store as a {@link BatchedCounter} uses it: many windows added or read in one round trip. */
export interface CounterBackend {
  /** Where the counts live, for the start-up line (never a password). */
  readonly description: string;
  /**
   * Adds each entry's `by` to its window (created at 0 when missing) atomically, and answers each window's count
   * after the addition, in the order of `entries`. The windows are distinct and sorted by name, then start.
   */
  add(entries: readonly CounterAdd[]): Promise<number[]>;
  /** The count of each window (0 when nothing was counted in it), in the order of `entries`. */
  read(entries: readonly CounterWindow[]): Promise<number[]>;
  close(): Promise<void>;
}

interface Waiting {
  now: number;
  resolve(count: WindowCount): void;
  reject(error: unknown): void;
}

interface Pending {
  window: CounterWindow;
  waiting: Waiting[];
}

const byWindow = (a: Pending, b: Pending) =>
  a.window.name < b.window.name ? -1 : a.window.name > b.window.name ? 1 : a.window.start - b.window.start;

/**
 * Counts in a shared store with at most one round trip in flight: the hits and reads that arrive while one runs wait
 * and go together in the next, one statement for all (group commit). An idle portal pays one round trip per request
 * and no wait; a busy one one round trip per batch, however many requests it holds, so counting does not cap
 * throughput at the store's statements per second. (Holding hits a few milliseconds more to make batches larger was
 * measured slower: docs/deploy/several-processes.md.) Counts stay exact: k hits of one window in a batch add k at
 * once, and the store's answer T gives them T-k+1 … T in arrival order.
 */
export class BatchedCounter implements RateCounter {
  private hits = new Map<string, Pending>();
  private reads = new Map<string, Pending>();
  private flushing = false;
  private scheduled = false;

  /**
   * @param backend the shared store
   * @param timeoutMs how long a round trip may take before its callers get an error (and fall back); the next batch
   *   then goes without waiting for it
   */
  constructor(
    private readonly backend: CounterBackend,
    private readonly timeoutMs = 1000,
  ) {}

  get description(): string {
    return this.backend.description;
  }

  hit(name: string, windowMs: number, now: number): Promise<WindowCount> {
    return this.enqueue(this.hits, name, windowMs, now);
  }

  read(name: string, windowMs: number, now: number): Promise<WindowCount> {
    return this.enqueue(this.reads, name, windowMs, now);
  }

  async close(): Promise<void> {
    await this.backend.close();
  }

  private enqueue(
    queue: Map<string, Pending>,
    name: string,
    windowMs: number,
    now: number,
  ): Promise<WindowCount> {
    const { start, end } = windowOf(now, windowMs);
    const key = `${start} ${name}`;
    let pending = queue.get(key);
    if (!pending) {
      pending = { window: { name, start, end }, waiting: [] };
      queue.set(key, pending);
    }
    const waiting = pending.waiting;
    const answer = new Promise<WindowCount>((resolve, reject) => waiting.push({ now, resolve, reject }));
    this.schedule();
    return answer;
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // A microtask, not at once: calls made together (Promise.all of a hit and a read) share the round trip.
    queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    // Sorted, so that every process locks a batch's rows in the same order: two batches never deadlock.
    const hits = [...this.hits.values()].sort(byWindow);
    const reads = [...this.reads.values()];
    this.hits = new Map();
    this.reads = new Map();
    if (!hits.length && !reads.length) return;
    this.flushing = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = Promise.all([
        hits.length ? this.backend.add(hits.map((p) => ({ ...p.window, by: p.waiting.length }))) : [],
        reads.length ? this.backend.read(reads.map((p) => p.window)) : [],
      ]);
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the rate limit store took over ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      });
      const [added, counted] = await Promise.race([work, late]);
      hits.forEach((pending, i) => {
        const total = added[i] as number;
        const k = pending.waiting.length;
        for (const [j, w] of pending.waiting.entries())
          w.resolve({ count: total - k + 1 + j, resetMs: pending.window.end - w.now });
      });
      reads.forEach((pending, i) => {
        for (const w of pending.waiting)
          w.resolve({ count: counted[i] as number, resetMs: pending.window.end - w.now });
      });
    } catch (error) {
      for (const pending of [...hits, ...reads]) for (const w of pending.waiting) w.reject(error);
    } finally {
      clearTimeout(timer);
      this.flushing = false;
      if (this.hits.size || this.reads.size) this.schedule();
    }
  }
}
