import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  SelectQueryNode,
  SqliteDialect,
  type UnknownRow,
} from 'kysely';
import { makePrivateDir, makePrivateFile } from '../security/private-files.ts';
import type { RanStatement } from './database.ts';
import type { Database } from './schema.ts';
import { statementLog } from './statement-log.ts';

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

/**
 * Drops `FOR UPDATE` (and its `SKIP LOCKED`) from selects: SQLite has no row locks and needs none, because one connection runs one write
 * transaction at a time. Storage operations lock rows the PostgreSQL way and stay the same on both engines.
 */
class NoRowLocks implements KyselyPlugin {
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (!SelectQueryNode.is(node) || !node.endModifiers?.length) return node;
    const endModifiers = node.endModifiers.filter(
      (m) => m.modifier !== 'ForUpdate' && m.modifier !== 'SkipLocked',
    );
    return { ...node, endModifiers };
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

/** Opens (creating it if needed) the SQLite file of the embedded default, owner-only. */
export function openSqlite(file: string, onStatement?: (statement: RanStatement) => void): Kysely<Database> {
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
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachedStatements(sqlite) }),
    plugins: [new NoRowLocks()],
    ...statementLog(onStatement),
  });
}

/** Whether better-sqlite3 refused a write for a unique constraint (primary keys included). */
export function isSqliteUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed/.test(e.message ?? '')
  );
}
