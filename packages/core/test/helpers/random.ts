/** A small deterministic pseudo-random generator (mulberry32): a failing generated case is reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` strings of 1 to 40 pieces drawn from `alphabet`: random markup for the totality tests of text scanners. */
export function randomStrings(random: () => number, alphabet: readonly string[], count: number): string[] {
  return Array.from({ length: count }, () =>
    Array.from(
      { length: 1 + Math.floor(random() * 40) },
      () => alphabet[Math.floor(random() * alphabet.length)],
    ).join(''),
  );
}
