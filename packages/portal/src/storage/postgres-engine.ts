import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

/** Where the PostgreSQL database is, and how the portal uses it. */
export interface PostgresOptions {
  url: string;
  /** Schema to use, created if missing (tests isolate themselves in a fresh schema). */
  schema?: string;
  /** Pool size per portal process. */
  poolSize?: number;
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
    connectionString: options.url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), schema };
}

/** Whether PostgreSQL refused a write for a unique constraint (SQLSTATE 23505). */
export function isPostgresUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}
