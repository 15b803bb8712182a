// storage/ is the only place in the portal that speaks SQL: a scan of the sources finds any query, driver or Kysely
// import elsewhere (callers use the named operations of the storage modules).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const SRC = join(import.meta.dirname, '..', 'src');

/** What speaks SQL: the query builder or a driver imported, a query built, raw SQL, a transaction opened on Kysely. */
const SQL = [
  { what: 'imports kysely', pattern: /from\s+['"]kysely['"]|import\(\s*['"]kysely['"]\s*\)/ },
  { what: 'imports a database driver', pattern: /from\s+['"](pg|better-sqlite3)['"]/ },
  {
    what: 'builds a query',
    pattern:
      /\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom|with)\(\s*['"]/,
  },
  { what: 'writes raw SQL', pattern: /\bsql(<[^>]*>)?`/ },
  { what: 'opens a Kysely transaction', pattern: /\.transaction\(\)\s*\.execute\(/ },
  { what: 'runs a built query', pattern: /\.executeTakeFirst(OrThrow)?\(/ },
];

/** Every TypeScript file under `dir`, as paths relative to it. */
function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.split('\\').join('/'));
}

/** The files of a source tree outside storage/ that speak SQL, with what each does. */
function sqlOutsideStorage(dir: string): string[] {
  const found: string[] = [];
  for (const file of sources(dir)) {
    if (file.startsWith('storage/')) continue;
    const text = readFileSync(join(dir, file), 'utf8');
    for (const { what, pattern } of SQL) if (pattern.test(text)) found.push(`${file} ${what}`);
  }
  return found;
}

describe('storage boundary', () => {
  it('no file of the portal outside storage/ imports kysely or a driver, or writes SQL', () => {
    assert.deepEqual(
      sqlOutsideStorage(SRC),
      [],
      `move these queries into ${relative(process.cwd(), SRC)}/storage/`,
    );
  });

  it('the scan finds each way of speaking SQL', () => {
    const samples = [
      "import type { Kysely } from 'kysely';",
      "import pg from 'pg';",
      "await db.selectFrom('plans').selectAll().execute();",
      "await trx.updateTable('jobs').set({ status: 'done' });",
      'await sql`select 1`.execute(db);',
      'await db.transaction().execute(async (trx) => {});',
      'const row = await query.executeTakeFirst();',
    ];
    for (const sample of samples)
      assert.ok(
        SQL.some(({ pattern }) => pattern.test(sample)),
        `not recognized as SQL: ${sample}`,
      );
    assert.ok(!SQL.some(({ pattern }) => pattern.test('await ctx.store.transaction(async (tx) => {});')));
  });
});
