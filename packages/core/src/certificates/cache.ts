/**
 * A small bounded memo for facts derived from certificates. Certificates are immutable, so a fact computed
 * once for a given DER (or fingerprint) stays true; parsing extensions in JavaScript costs about a
 * millisecond, which would otherwise dominate every verification.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit = 512) {}

  /** The cached value for `key`, computing and remembering it on a miss. */
  get(key: string, compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(key, value);
    return value;
  }
}
