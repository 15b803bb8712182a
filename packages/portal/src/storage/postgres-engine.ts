import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { RanStatement } from './database.ts';
import type { Database } from './schema.ts';
import { statementLog } from './statement-log.ts';

/** Where the PostgreSQL database is, and how the portal uses it. */
export interface PostgresOptions {
  url: string;
  /** Schema to use, created if missing (tests isolate themselves in a fresh schema). */
  schema?: string;
  /** Pool size per portal process. */
  poolSize?: number;
  /** Called with every statement after it ran (StoreOptions.onStatement). */
  onStatement?: (statement: RanStatement) => void;
}

/** Most statements one connection keeps prepared; later ones are parsed and planned on every run. */
const PREPARED_PER_CONNECTION = 200;

/** Statement texts up to this length keep their hash (a usage batch's text grows with the batch: those do not). */
const HASHED_TEXT_LENGTH = 8192;

/**
 * The hash of each short statement text seen lately, so that a hot statement is not hashed again on every run.
 * Bounded (at most PREPARED_PER_CONNECTION texts of HASHED_TEXT_LENGTH): when full it starts again empty.
 */
const hashes = new Map<string, string>();

function hashOf(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha1').update(text).digest('base64url');
    if (text.length <= HASHED_TEXT_LENGTH) {
      if (hashes.size >= PREPARED_PER_CONNECTION) hashes.clear();
      hashes.set(text, hash);
    }
  }
  return hash;
}

/**
 * A connection that runs each parameterized statement as a named prepared statement, so PostgreSQL parses and plans
 * its text once per connection instead of on every run (Kysely sends unnamed statements): planning the refresh and
 * usage statements costs more than running them. The name is the text's hash, so the same text is the same
 * statement. The portal's statements are few, but a usage batch has one text per batch size: a connection keeps at
 * most PREPARED_PER_CONNECTION, which bounds the server's memory too.
 *
 * When another process migrates the schema (a rolling upgrade), PostgreSQL refuses a prepared statement whose result
 * columns changed ("cached plan must not change result type", SQLSTATE 0A000): that statement fails once, and the
 * connection prepares every statement again under new names.
 */
class PreparingClient extends pg.Client {
  private readonly prepared = new Set<string>();
  private generation = 0;

  // biome-ignore lint/suspicious/noExplicitAny: pg.Client.query has a dozen overloads; this one forwards them all.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      const name = `mbprov_${this.generation}_${hashOf(config)}`;
      if (this.prepared.has(name) || this.prepared.size < PREPARED_PER_CONNECTION) {
        this.prepared.add(name);
        return (super.query({ name, text: config, values }) as Promise<unknown>).catch((error: unknown) => {
          if ((error as { code?: string }).code === '0A000') {
            this.generation++;
            this.prepared.clear();
          }
          throw error;
        });
      }
    }
    return super.query(config, values, callback);
  }
}

/** Connects a pool to PostgreSQL, in `options.schema` when given; returns the schema name as used. */
export async function openPostgres(
  options: PostgresOptions,
): Promise<{ db: Kysely<Database>; schema: string | undefined }> {
  const schema = options.schema?.replace(/[^a-z0-9_]/gi, '') || undefined;
  if (schema) {
    const setup = new pg.Client({ connectionString: options.url });
    await setup.connect();
    try {
      await setup.query(`create schema if not exists ${schema}`);
    } catch (error) {
      // Another portal process starting at the same moment created it between the check and the insert: "if not
      // exists" does not cover that race, its unique index on schema names does (then the schema is there).
      if (!isPostgresUniqueViolation(error)) throw error;
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  return {
    db: new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      ...statementLog(options.onStatement),
    }),
    schema,
  };
}

/** Whether PostgreSQL refused a write for a unique constraint (SQLSTATE 23505). */
export function isPostgresUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}
