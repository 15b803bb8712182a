/** One counter's fixed window as a hit or a read found it. */
export interface WindowCount {
  /** Events counted in the window, this one included for a hit. */
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetMs: number;
}

/**
 * Events counted per name in fixed time windows, where the portal's rate limits keep their counts: this process's
 * memory, or a store that every portal process shares (PostgreSQL, Redis). Windows are aligned to the clock
 * (a one-minute window starts on the minute), so that every process agrees on which window an event falls in.
 */
export interface RateCounter {
  /** Where the counts live, for the start-up line. */
  readonly description: string;
  /** Counts one event of `name` in the window of `windowMs` holding `now` (epoch ms). */
  hit(name: string, windowMs: number, now: number): Promise<WindowCount>;
  /** The count of `name` in the window holding `now`, without counting. */
  read(name: string, windowMs: number, now: number): Promise<WindowCount>;
  /** Releases what the counter holds (a connection); counting afterwards is an error. */
  close(): Promise<void>;
}

/** The window of `windowMs` holding `now`: its start (a multiple of `windowMs` since the epoch) and its end. */
export function windowOf(now: number, windowMs: number): { start: number; end: number } {
  const start = now - (now % windowMs);
  return { start, end: start + windowMs };
}
