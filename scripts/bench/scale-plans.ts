// EXPLAIN (ANALYZE, BUFFERS) of the statements the portal ran, as its storage layer sent them to the driver
// (StoreOptions.onStatement): each in a transaction that is rolled back, so that explaining a write changes nothing.
import type { RanStatement } from '@mbprov/portal/testing';
import type pg from 'pg';

/** The tables that grow with the subscribers: a sequential scan of one of them is a failure of the benchmark… */
export const BIG_TABLES = ['sims', 'subscribers', 'subscriptions', 'checkouts', 'documents'];
/** …once it holds this many rows: below, PostgreSQL rightly reads a few hundred pages whole rather than probe an index hundreds of times. */
export const BIG_ROWS = 100_000;

/** The statements one path ran (RefreshURL 304, a prune batch, …). */
export interface StatementGroup {
  name: string;
  statements: RanStatement[];
}

/** What explaining the groups found: the plans as text, and each sequential scan of a big table. */
export interface Explained {
  text: string;
  seqScans: string[];
  /** Execution time of each group's statements, summed, in ms. */
  times: Record<string, number>;
}

const DML = /^\s*(select|insert|update|delete|with)\b/i;

/** Explains each distinct statement of each group on `client` (connected to the benchmark's schema). */
export async function explainGroups(client: pg.Client, groups: StatementGroup[]): Promise<Explained> {
  const counts = await client.query<{ relname: string; reltuples: number }>(
    `select relname, reltuples from pg_class where relnamespace = current_schema()::regnamespace and relkind = 'r'`,
  );
  const big = new Set(
    counts.rows
      .filter((r) => BIG_TABLES.includes(r.relname) && r.reltuples >= BIG_ROWS)
      .map((r) => r.relname),
  );
  const out: string[] = [
    `Checked for sequential scans (${BIG_ROWS.toLocaleString('en-US')} rows or more): ${[...big].join(', ') || 'none yet'}`,
  ];
  const seqScans: string[] = [];
  const times: Record<string, number> = {};
  for (const group of groups) {
    out.push(`== ${group.name}: ${group.statements.length} statements`);
    times[group.name] = 0;
    const seen = new Set<string>();
    for (const statement of group.statements) {
      if (!DML.test(statement.sql)) {
        out.push(`-- ${statement.sql}`);
        continue;
      }
      if (seen.has(statement.sql)) continue;
      seen.add(statement.sql);
      // An insert ran already when it was captured: run again, it would only meet its own row's unique key.
      const analyze = !/^\s*insert\b/i.test(statement.sql);
      await client.query('begin');
      let plan: string[];
      try {
        const result = await client.query<{ 'QUERY PLAN': string }>(
          `explain ${analyze ? '(analyze, buffers)' : '(costs)'} ${statement.sql}`,
          [...statement.parameters],
        );
        plan = result.rows.map((r) => r['QUERY PLAN']);
      } finally {
        await client.query('rollback');
      }
      const time = /Execution Time: ([\d.]+) ms/.exec(plan.join('\n'));
      times[group.name] = (times[group.name] ?? 0) + Number(time?.[1] ?? 0);
      for (const line of plan) {
        const scan = /Seq Scan on (\w+)/.exec(line);
        if (scan && big.has(scan[1] as string)) seqScans.push(`${group.name}: ${line.trim()}`);
      }
      out.push(statement.sql, ...plan.map((l) => `  ${l}`), '');
    }
  }
  return { text: out.join('\n'), seqScans, times };
}
