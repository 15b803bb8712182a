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
