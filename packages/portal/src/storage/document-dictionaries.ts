import type { Db } from './database.ts';
import type { DocumentDictionaryTable } from './schema.ts';

/** Stores a compression dictionary unless a row of its id is there already (its id names its content). */
export async function storeDictionary(db: Db, row: DocumentDictionaryTable): Promise<void> {
  await db
    .insertInto('document_dictionaries')
    .values(row)
    .onConflict((c) => c.column('id').doNothing())
    .execute();
}

/** The encrypted content of a compression dictionary, by id. */
export async function dictionaryContent(db: Db, id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('document_dictionaries')
    .select('content_encrypted')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.content_encrypted;
}
