import type { X509Certificate } from 'node:crypto';

const fingerprints = new WeakMap<X509Certificate, string>();

/**
 * The certificate's SHA-256 fingerprint, computed once per certificate object: node computes
 * `fingerprint256` afresh on every read, and chain checks compare fingerprints many times.
 */
export function fingerprintOf(cert: X509Certificate): string {
  let fingerprint = fingerprints.get(cert);
  if (fingerprint === undefined) {
    fingerprint = cert.fingerprint256;
    fingerprints.set(cert, fingerprint);
  }
  return fingerprint;
}

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
