import { randomUUID } from 'node:crypto';
import { hashToken, matchesHash, randomToken } from '../security/tokens.ts';
import { apiKeyById, insertApiKey, revokeApiKey as revokeStoredKey } from '../storage/api-keys.ts';
import type { Db } from '../storage/database.ts';
import { type ApiKeyCache, apiKeyCacheOf, type CachedApiKey } from './api-key-cache.ts';

/** What an API key may do. A key holds one or more scopes; `admin` holds them all. */
export const SCOPES = [
  'usage:write',
  'policy:read',
  'plans:write',
  'sims:write',
  'subscribers:read',
  'subscribers:write',
  'documents:write',
  'audit:read',
  'cosa:read',
  'metrics:read',
  /** FreeRADIUS's rest module: authorize, post-auth and accounting (docs/hotspot.md). */
  'radius',
  /** The operator's SM-DP+: ES2+ HandleDownloadProgressInfo notifications (docs/mobile-plans.md). */
  'smdp',
  'admin',
] as const;

/** One of the {@link SCOPES} a back-office API key can hold. */
export type Scope = (typeof SCOPES)[number];

/** An authenticated API caller. */
export interface ApiCaller {
  keyId: string;
  name: string;
  scopes: Set<Scope>;
}

/** True when the caller holds the scope (or admin). */
export function allows(caller: ApiCaller, scope: Scope): boolean {
  return caller.scopes.has(scope) || caller.scopes.has('admin');
}

/**
 * Creates an API key and returns its secret once: `mbp_<id>_<secret>`. Only the SHA-256 of the secret is stored;
 * the id part lets the check find the row without comparing the secret against every key.
 */
export async function createApiKey(
  db: Db,
  name: string,
  scopes: Scope[],
  now: string,
): Promise<{ id: string; key: string }> {
  const id = randomUUID().replace(/-/g, '').slice(0, 16);
  const secret = randomToken(24);
  await insertApiKey(db, {
    id,
    name,
    key_hash: hashToken(secret),
    scopes: scopes.join(' '),
    created_at: now,
    revoked_at: null,
  });
  return { id, key: `mbp_${id}_${secret}` };
}

const DUMMY_HASH = hashToken('no such key');

const BEARER = /^Bearer\s+mbp_([a-f0-9]{16})_([A-Za-z0-9_-]{16,64})\s*$/;

/**
 * The caller of a bearer header whose key is in `cache` (verified moments ago) and whose secret matches it, else
 * undefined (not cached, or a wrong secret: {@link authenticate} then decides). Costs no query, so a caller can
 * check other things alongside (the route guard reads the address's failed logins in the same round trip).
 */
export function cachedCaller(
  header: string | undefined,
  cache: ApiKeyCache,
  now: number,
): ApiCaller | undefined {
  const m = BEARER.exec(header ?? '');
  const key = m ? cache.get(m[1] as string, now) : undefined;
  if (!m || !key || key.revoked || !matchesHash(m[2] as string, key.keyHash)) return undefined;
  return callerOf(m[1] as string, key);
}

/**
 * The caller of a `Bearer mbp_<id>_<secret>` header, or undefined. The secret is compared as a hash in constant time,
 * and a hash is compared even when the id is unknown, so timing does not tell a wrong secret from an unknown id.
 * Without `cached` it reads the key row (a one-off check sees a revocation at once). The route guard passes its store
 * handle's cache (api-key-cache.ts) and the time: a key whose secret matched is then kept for a short while, so a
 * busy caller costs no query per request; an id answered from the cache answers sooner, which tells nothing of its
 * secret.
 */
export async function authenticate(
  db: Db,
  header: string | undefined,
  cached?: { cache: ApiKeyCache; now: number },
): Promise<ApiCaller | undefined> {
  const m = BEARER.exec(header ?? '');
  const id = m?.[1] ?? '';
  const hit = m && cached ? cached.cache.get(id, cached.now) : undefined;
  let key = hit;
  if (m && !key) {
    const row = await apiKeyById(db, id);
    key = row && {
      keyHash: row.key_hash,
      name: row.name,
      scopes: row.scopes,
      revoked: row.revoked_at !== null,
    };
  }
  const ok = matchesHash(m?.[2] ?? '', key?.keyHash ?? DUMMY_HASH);
  if (!key || !ok) return undefined;
  // Only a presented secret that matched fills the cache: unknown ids and guesses cost a (rate-limited) query.
  if (cached && !hit) cached.cache.set(id, key, cached.now);
  return key.revoked ? undefined : callerOf(id, key);
}

function callerOf(keyId: string, key: CachedApiKey): ApiCaller {
  return { keyId, name: key.name, scopes: new Set(key.scopes.split(' ') as Scope[]) };
}

/**
 * Revokes a key by id; true when it existed and was active. This store handle's cache forgets it at once; other
 * processes refuse it once their cached entry expires (API_KEY_CACHE_TTL_MS).
 */
export async function revokeApiKey(db: Db, id: string, now: string): Promise<boolean> {
  const revoked = await revokeStoredKey(db, id, now);
  apiKeyCacheOf(db).delete(id);
  return revoked;
}
