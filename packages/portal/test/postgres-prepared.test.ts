// The PostgreSQL engine prepares each parameterized statement once per connection (postgres-engine.ts): the same text
// is one prepared statement, a connection keeps a bounded number, and a schema change by another process fails a
// statement once, after which the connection prepares again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { openPostgres } from '../src/storage/postgres-engine.ts';
import type { Database } from '../src/storage/schema.ts';
import { POSTGRES_URL } from './helpers/context.ts';

describe('prepared statements on PostgreSQL', () => {
  const schema = `t_prepared_${process.pid}_${Date.now()}`;
  let db: Kysely<Database>;
  let admin: pg.Client;

  before(async () => {
    // One connection, so that every statement below runs in the session whose prepared statements are listed.
    ({ db } = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 1 }));
    admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create table ${schema}.items (id integer primary key, name text)`);
    await admin.query(`insert into ${schema}.items values (1, 'one'), (2, 'two')`);
  });
  after(async () => {
    await db.destroy();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  const prepared = async () =>
    (
      await sql<{ name: string }>`select name from pg_prepared_statements where name like 'mbprov_%'`.execute(
        db,
      )
    ).rows.map((r) => r.name);

  it('runs the same text as one prepared statement, with each call its own parameters', async () => {
    const byId = (id: number) => sql<{ name: string }>`select name from items where id = ${id}`.execute(db);
    assert.deepEqual((await byId(1)).rows, [{ name: 'one' }]);
    assert.deepEqual((await byId(2)).rows, [{ name: 'two' }]);
    assert.equal((await prepared()).length, 1);
  });

  it('prepares at most 200 statements per connection; later texts still run', async () => {
    for (let i = 0; i < 250; i++) {
      const { rows } = await sql<{ n: number }>`select ${i}::integer + ${sql.lit(i)} as n`.execute(db);
      assert.equal(rows[0]?.n, 2 * i);
    }
    assert.equal((await prepared()).length, 200);
  });

  it('after another process changes the columns a statement returns, fails it once, then prepares again', async () => {
    await sql`deallocate all`.execute(db);
    // A fresh connection state: reopen so that the client's own bookkeeping matches the server's.
    await db.destroy();
    ({ db } = await openPostgres({ url: POSTGRES_URL, schema, poolSize: 1 }));
    const all = () => sql<Record<string, unknown>>`select * from items where id = ${1}`.execute(db);
    assert.deepEqual((await all()).rows, [{ id: 1, name: 'one' }]);
    await admin.query(`alter table ${schema}.items add column note text`);
    await assert.rejects(all(), (error: { code?: string }) => error.code === '0A000');
    assert.deepEqual((await all()).rows, [{ id: 1, name: 'one', note: null }]);
  });
});
