import type { Db } from './database.ts';
import type { ApiKeyTable } from './schema.ts';

/** A back-office API key as stored: the hash of its secret, never the secret. */
export type ApiKey = ApiKeyTable;

/** Stores a new API key. */
export async function insertApiKey(db: Db, key: ApiKey): Promise<void> {
  await db.insertInto('api_keys').values(key).execute();
}

/** An API key by id, revoked or not. */
export async function apiKeyById(db: Db, id: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Revokes a key by id; true when it existed and was active. */
export async function revokeApiKey(db: Db, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The keys (never their secrets). */
export async function listApiKeys(db: Db): Promise<Array<Omit<ApiKey, 'key_hash'>>> {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'scopes', 'created_at', 'revoked_at'])
    .orderBy('created_at')
    .execute();
}
