import type { Kysely } from 'kysely';
import { migrateToLatest } from './migrations.ts';
import { isPostgresUniqueViolation, openPostgres } from './postgres-engine.ts';
import type { Database } from './schema.ts';
import { isSqliteUniqueViolation, openSqlite } from './sqlite-engine.ts';

/**
 * A connection pool or a transaction: what every storage operation runs on. Code outside storage/ only passes it
 * along (a scan of the sources enforces that it never queries it).
 */
export type Db = Kysely<Database>;

/**
 * An open database. It owns what differs between the engines: row locks (the SQLite engine drops them, see
 * sqlite-engine.ts), unique-violation detection and the start-up description, so that callers never branch on it.
 */
export interface Store {
  /** The pool the storage operations run on outside a transaction. */
  db: Db;
  /** Which engine and where, for the start-up line. */
  description: string;
  /**
   * Whether several portal processes can use this database at once (PostgreSQL), so that what they must count
   * together (rate limits) can live in it. A SQLite file belongs to one process.
   */
  sharedByProcesses: boolean;
  /** Runs `work` in one transaction, committed when it resolves; the operations in it take `tx` as their Db. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /** Whether an error is a unique-constraint violation: a concurrent transaction stored the same row first. */
  isUniqueViolation(error: unknown): boolean;
  close(): Promise<void>;
}

/** Where to store: a PostgreSQL URL, or the SQLite file of the embedded default. */
export interface StoreOptions {
  databaseUrl?: string;
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests isolate themselves in a fresh schema). */
  schema?: string;
  /** PostgreSQL pool size per portal process. */
  poolSize?: number;
}

function storeOf(
  db: Db,
  description: string,
  sharedByProcesses: boolean,
  isUniqueViolation: (error: unknown) => boolean,
): Store {
  return {
    db,
    description,
    sharedByProcesses,
    transaction: (work) => db.transaction().execute(work),
    isUniqueViolation,
    close: () => db.destroy(),
  };
}

/** Opens the database and applies the migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const { db, schema } = await openPostgres({
      url: options.databaseUrl,
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.poolSize ? { poolSize: options.poolSize } : {}),
    });
    await migrateToLatest(db as Kysely<unknown>, schema);
    return storeOf(db, 'PostgreSQL', true, isPostgresUniqueViolation);
  }
  const file = options.sqliteFile ?? ':memory:';
  const db = openSqlite(file);
  await migrateToLatest(db as Kysely<unknown>);
  return storeOf(db, `SQLite ${file}`, false, isSqliteUniqueViolation);
}
