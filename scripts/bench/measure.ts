// Throughput measurement shared by the benchmark suites.

/** Operations per second of `fn`: median of `rounds` rounds of at least `minMs` each, after a warm-up. */
export function opsPerSecond(fn: () => void, { rounds = 5, minMs = 400 } = {}): number {
  const warmUntil = performance.now() + minMs;
  while (performance.now() < warmUntil) fn();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < minMs) {
      fn();
      n++;
      now = performance.now();
    }
    rates.push((n * 1000) / (now - start));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

/** Rates of several functions measured side by side; see {@link compareRates}. */
export interface Comparison<K extends string> {
  /** Median operations per second of each function. */
  rates: Record<K, number>;
  /**
   * How many times faster `a` ran than `b`: the median over rounds of the ratio within each round. Each ratio
   * compares two measurements taken moments apart, so the machine's speed drifting between rounds (shared
   * virtual machines drift a lot) cancels out, which a ratio of the two medians would not ensure.
   */
  ratio(a: K, b: K): number;
  /** The rate of each function in each round (round r of every function ran moments apart). */
  samples: Record<K, number[]>;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * Operations per second of several functions measured in interleaved rounds (a, b, c, a, b, c, ...), so that
 * background load on the machine affects each alike and the ratios between them stay fair. Median per function.
 * A function may return how many operations one call performed (a batch); otherwise a call counts as one.
 */
export function compareRates<K extends string>(
  fns: Record<K, () => void>,
  { rounds = 11, minMs = 200 } = {},
): Comparison<K> {
  const keys = Object.keys(fns) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (const k of keys) {
    const warmUntil = performance.now() + minMs;
    while (performance.now() < warmUntil) fns[k]();
  }
  for (let r = 0; r < rounds; r++) {
    for (const k of keys) {
      let n = 0;
      const start = performance.now();
      let now = start;
      while (now - start < minMs) {
        const done = fns[k]();
        n += typeof done === 'number' ? done : 1;
        now = performance.now();
      }
      samples[k].push((n * 1000) / (now - start));
    }
  }
  return comparison(keys, samples);
}

/** The {@link Comparison} of interleaved samples. */
function comparison<K extends string>(keys: K[], samples: Record<K, number[]>): Comparison<K> {
  return {
    rates: Object.fromEntries(keys.map((k) => [k, median(samples[k])])) as Record<K, number>,
    ratio: (a, b) => median(samples[a].map((rate, r) => rate / (samples[b][r] as number))),
    samples,
  };
}

/**
 * {@link compareRates} for work measured in rounds of its own: each function runs one round and answers how many
 * operations it did in how many milliseconds (an asynchronous round may prepare its inputs first, untimed).
 * Rounds interleave as in compareRates; the first round of each is a warm-up and not counted.
 */
export async function compareRounds<K extends string>(
  rounds: Record<K, () => Promise<{ ops: number; ms: number }> | { ops: number; ms: number }>,
  count = 11,
): Promise<Comparison<K>> {
  const keys = Object.keys(rounds) as K[];
  const samples = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r <= count; r++)
    for (const k of keys) {
      const { ops, ms } = await rounds[k]();
      if (r > 0) samples[k].push((ops * 1000) / ms);
    }
  return comparison(keys, samples);
}

/** One line of a results table. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
}

/** A benchmark suite: a title, what it compares, and its rows. */
export interface SuiteResult {
  title: string;
  description: string;
  rows: Row[];
  notes?: string[];
}

/** Formats an integer rate with thousands separators. */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
