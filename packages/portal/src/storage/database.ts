import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { makePrivateDir, makePrivateFile } from '../security/private-files.ts';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';

/** An open database: Kysely plus what differs between the two engines. */
export interface Store {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
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

/**
 * better-sqlite3 with prepared statements reused by SQL text: Kysely prepares every query again, which costs more
 * than running it. The portal issues a few dozen distinct statements, so the cache stays small.
 */
function cachedStatements(sqlite: SQLite.Database): {
  prepare: SQLite.Database['prepare'];
  close: () => void;
} {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare: ((sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size < 500) statements.set(sql, statement);
      }
      return statement;
    }) as SQLite.Database['prepare'],
    close: () => sqlite.close(),
  };
}

/** Opens the database and applies the migrations. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const schema = options.schema?.replace(/[^a-z0-9_]/gi, '');
    if (schema) {
      const setup = new pg.Client({ connectionString: options.databaseUrl });
      await setup.connect();
      await setup.query(`create schema if not exists ${schema}`);
      await setup.end();
    }
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db as Kysely<unknown>, schema);
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  const file = options.sqliteFile ?? ':memory:';
  if (file !== ':memory:') {
    // Subscribers, credential hashes and encrypted documents: owner-only like the key files. SQLite gives its
    // -wal, -shm and -journal files the mode of the database file.
    makePrivateDir(dirname(file));
    makePrivateFile(
      file,
      ['-wal', '-shm', '-journal'].map((suffix) => `${file}${suffix}`),
    );
  }
  const sqlite = new SQLite(file);
  // WAL lets readers proceed while the single writer commits; busy_timeout waits instead of failing under load.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // NORMAL in WAL mode survives a process crash (only a power loss can drop the last commits) and saves an fsync per commit.
  sqlite.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(sqlite) }) });
  await migrateToLatest(db as Kysely<unknown>);
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
