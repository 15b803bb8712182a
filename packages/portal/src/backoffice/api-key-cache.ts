import type { Db } from '../storage/database.ts';

/**
 * How long a verified API key is trusted without reading its row again. A key revoked by another process (the CLI,
 * another portal) is refused after at most this long; one revoked through the same store handle at once.
 */
export const API_KEY_CACHE_TTL_MS = 30_000;

/** How many keys one store handle keeps: far more than an operator's keys, so eviction is rare. */
export const API_KEY_CACHE_MAX_ENTRIES = 1_000;

/** What the check needs of a stored key: the hash to compare the presented secret with, and what it may do. */
export interface CachedApiKey {
  keyHash: string;
  name: string;
  scopes: string;
  revoked: boolean;
}

/**
 * Key id → the stored key, for a bounded time and number. Only keys whose secret was presented correctly are put
 * in (see authenticate), so unknown ids and guessed secrets never fill it; past the bound the oldest entry goes.
 */
export class ApiKeyCache {
  private readonly entries = new Map<string, { key: CachedApiKey; until: number }>();

  constructor(
    readonly ttlMs = API_KEY_CACHE_TTL_MS,
    readonly maxEntries = API_KEY_CACHE_MAX_ENTRIES,
  ) {}

  /** The key cached for `id` and still fresh at `now` (epoch ms), or undefined. */
  get(id: string, now: number): CachedApiKey | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (now >= entry.until) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.key;
  }

  /** Keeps `key` under `id` until `now` + the TTL, evicting the oldest entries beyond the bound. */
  set(id: string, key: CachedApiKey, now: number): void {
    this.entries.delete(id);
    this.entries.set(id, { key, until: now + this.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  /** Forgets a key (it was revoked). */
  delete(id: string): void {
    this.entries.delete(id);
  }

  /** How many keys are cached. */
  get size(): number {
    return this.entries.size;
  }
}

// One cache per store handle (its pool): a revocation through that handle reaches it; other handles, like other
// processes, see the revocation when their entry expires.
const caches = new WeakMap<Db, ApiKeyCache>();

/** The API key cache of a store handle, made on first use. */
export function apiKeyCacheOf(db: Db): ApiKeyCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new ApiKeyCache();
    caches.set(db, cache);
  }
  return cache;
}
