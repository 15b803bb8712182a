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
  // Per handle: the compiled query, and for each of its parameters the argument it stands for (-1: a constant).
  const compiled = new WeakMap<Db, { query: CompiledQuery<Row>; from: number[] }>();
  return async (db, ...args) => {
    let entry = compiled.get(db);
    if (!entry) {
      const stand = args.map((_, i) => placeholder(i));
      const query = build(db, ...(stand as Args)).compile();
      entry = { query, from: query.parameters.map((p) => stand.indexOf(p as string)) };
      compiled.set(db, entry);
    }
    const { query, from } = entry;
    const parameters = from.map((i, k) => (i < 0 ? query.parameters[k] : args[i]));
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows[0];
  };
}
