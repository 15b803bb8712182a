import type { RateCounter, WindowCount } from './counter.ts';

/**
 * The portal's rate limits over one counter: at most `max` events per name and window. A name that used its `max`
 * is remembered until its window ends, and answered from memory meanwhile: a client hammering past its limit costs
 * the shared store nothing more (nor does it need to: it is refused either way). Bounded: past `remembered` names the
 * one remembered longest goes first.
 */
export class RateLimits {
  private readonly usedUp = new Map<string, number>();

  constructor(
    readonly counter: RateCounter,
    private readonly remembered = 10_000,
  ) {}

  /** Counts one event of `name`; the answer's count is over `max` when the event is past the limit. */
  async hit(name: string, max: number, windowMs: number, now: number): Promise<WindowCount> {
    const until = this.until(name, now);
    if (until !== undefined) return { count: max + 1, resetMs: until - now };
    const answer = await this.counter.hit(name, windowMs, now);
    if (answer.count >= max) this.remember(name, now + answer.resetMs);
    return answer;
  }

  /** The count of `name` without counting: `max` or more when the name used its limit. */
  async read(name: string, max: number, windowMs: number, now: number): Promise<WindowCount> {
    const until = this.until(name, now);
    if (until !== undefined) return { count: max, resetMs: until - now };
    const answer = await this.counter.read(name, windowMs, now);
    if (answer.count >= max) this.remember(name, now + answer.resetMs);
    return answer;
  }

  private until(name: string, now: number): number | undefined {
    const until = this.usedUp.get(name);
    if (until === undefined || now < until) return until;
    this.usedUp.delete(name);
    return undefined;
  }

  private remember(name: string, until: number): void {
    this.usedUp.delete(name);
    if (this.usedUp.size >= this.remembered) this.usedUp.delete(this.usedUp.keys().next().value as string);
    this.usedUp.set(name, until);
  }
}
