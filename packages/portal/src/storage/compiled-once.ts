import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './database.ts';

// Stand-ins for the arguments while compiling; no real value contains a NUL character.
const placeholder = (i: number) => `\u0000mbprov-argument-${i}\u0000`;

/**
 * A query built and compiled once per Db handle, then run with each call's arguments as its parameters. Building and
 * compiling a query with subqueries costs Kysely about as long as SQLite takes to run it (~30 µs each, measured for
 * refreshState); a hot path need not pay that on every request. `build` must use each argument only as a value: it
 * is called once, with stand-ins (strings) in their place.
 */
export function compiledOnce<Args extends Array<string | number | null>, Row>(
  build: (db: Db, ...args: Args) => Compilable<Row>,
): (db: Db, ...args: Args) => Promise<Row | undefined> {
  const compiled = new WeakMap<Db, CompiledQuery<Row>>();
  return async (db, ...args) => {
    let query = compiled.get(db);
    if (!query) {
      query = build(db, ...(args.map((_, i) => placeholder(i)) as Args)).compile();
      compiled.set(db, query);
    }
    const parameters = query.parameters.map((p) => {
      const i = args.findIndex((_, j) => p === placeholder(j));
      return i < 0 ? p : args[i];
    });
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows[0];
  };
}
