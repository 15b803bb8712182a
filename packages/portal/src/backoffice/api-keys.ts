import { randomUUID } from 'node:crypto';
import { hashToken, matchesHash, randomToken } from '../security/tokens.ts';
import { apiKeyById, insertApiKey } from '../storage/api-keys.ts';
import type { Db } from '../storage/database.ts';

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

/**
 * The caller of a `Bearer mbp_<id>_<secret>` header, or undefined. The secret is compared as a hash in constant
 * time, and a hash is compared even when the id is unknown, so timing does not tell which part was wrong.
 */
export async function authenticate(db: Db, header: string | undefined): Promise<ApiCaller | undefined> {
  const m = /^Bearer\s+mbp_([a-f0-9]{16})_([A-Za-z0-9_-]{16,64})\s*$/.exec(header ?? '');
  const row = m ? await apiKeyById(db, m[1] as string) : undefined;
  const ok = matchesHash(m?.[2] ?? '', row?.key_hash ?? DUMMY_HASH);
  if (!m || !row || !ok || row.revoked_at) return undefined;
  return { keyId: row.id, name: row.name, scopes: new Set(row.scopes.split(' ') as Scope[]) };
}
