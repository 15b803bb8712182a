import { join } from 'node:path';
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
   * Opens another pool of `size` connections on this database, for work that must not wait behind the requests'
   * transactions for a connection (the rate limit counts, rate-limits/open.ts); close it with `destroy()`. Only where
   * several portal processes can share the database (PostgreSQL), so that what they count together can live in it:
   * a SQLite file belongs to one process, and its store has none.
   */
  openPool?: (size: number) => Promise<Db>;
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
  /**
   * Called with every statement after it ran, as the driver sent it (benchmarks print the plans of the statements
   * the portal really runs). The parameters hold credential hashes and document ciphertexts: never log them.
   */
  onStatement?: (statement: RanStatement) => void;
}

/**
 * The store of a portal configuration: its PostgreSQL URL and schema, else the SQLite file `mbprov.sqlite` in its
 * data directory. What the portal, the CLI's database commands and the tools open alike.
 */
export function configuredStore(config: {
  databaseUrl?: string | undefined;
  databaseSchema?: string | undefined;
  dataDir: string;
}): StoreOptions {
  return {
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
    sqliteFile: join(config.dataDir, 'mbprov.sqlite'),
  };
}

/** A statement as the driver ran it. */
export interface RanStatement {
  sql: string;
  parameters: readonly unknown[];
}

function storeOf(
  db: Db,
  description: string,
  isUniqueViolation: (error: unknown) => boolean,
  openPool?: (size: number) => Promise<Db>,
): Store {
  return {
    db,
    description,
    ...(openPool ? { openPool } : {}),
    transaction: (work) => db.transaction().execute(work),
    isUniqueViolation,
    close: () => db.destroy(),
  };
}

/** Opens the database and applies the migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const where = { url: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}) };
    const { db, schema } = await openPostgres({
      ...where,
      ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      ...(options.onStatement ? { onStatement: options.onStatement } : {}),
    });
    await migrateToLatest(db as Kysely<unknown>, schema);
    const openPool = async (size: number) => (await openPostgres({ ...where, poolSize: size })).db;
    return storeOf(db, 'PostgreSQL', isPostgresUniqueViolation, openPool);
  }
  const file = options.sqliteFile ?? ':memory:';
  const db = openSqlite(file, options.onStatement);
  await migrateToLatest(db as Kysely<unknown>);
  return storeOf(db, `SQLite ${file}`, isSqliteUniqueViolation);
}
