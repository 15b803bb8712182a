/**
 * Events counted per name in fixed one-minute windows, in process memory (as the page limits of
 * @fastify/rate-limit are). The back-office API needs this besides that plugin: its limits are keyed by the
 * verified API key and by failed authentications, which are only known inside the handler chain, after the
 * plugin has counted the request.
 */
export class MinuteCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /**
   * @param max events allowed per name and minute
   * @param names most names remembered at once; the oldest window is forgotten first (bounded memory)
   */
  constructor(
    private readonly max: number,
    private readonly names = 10_000,
  ) {}

  private window(name: string, now: number): { start: number; count: number } {
    let window = this.windows.get(name);
    if (!window || now - window.start >= 60_000) {
      this.windows.delete(name);
      if (this.windows.size >= this.names) this.windows.delete(this.windows.keys().next().value as string);
      window = { start: now, count: 0 };
      this.windows.set(name, window);
    }
    return window;
  }

  /** Seconds until `name` may act again when its minute is used up, else 0 (nothing is counted). */
  blockedFor(name: string, now: number): number {
    const window = this.window(name, now);
    return window.count >= this.max ? Math.ceil((window.start + 60_000 - now) / 1000) : 0;
  }

  /** Counts one event for `name`; returns the seconds to wait when it went over the limit, else 0. */
  hit(name: string, now: number): number {
    const window = this.window(name, now);
    window.count++;
    return window.count > this.max ? Math.ceil((window.start + 60_000 - now) / 1000) : 0;
  }
}
