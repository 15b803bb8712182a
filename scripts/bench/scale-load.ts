// Loads N subscribers into the portal's tables with COPY, one stream per table side by side: their SIMs, a
// subscriber each, an active monthly plan (and for every second one an expired day pass before it), the checkouts
// that paid for them, and the newest KEPT_VERSIONS of VERSIONS document versions (full, usage, full: the newest is a
// full document, as after a regeneration; the older ones pruned, as the hourly job leaves them). The documents are real ones the portal signed, compressed and encrypted for sample subscribers,
// reused with distinct ids and ETags. Foreign keys are not checked during the load (session_replication_role =
// replica): the rows are consistent by construction, and checking 80 million references would double the load.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { hashToken } from '@mbprov/portal/testing';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { etagOf, iccidOf, imsiOf, KEPT_VERSIONS, subscriberOf } from './scale-identity.ts';

/** Real stored documents to reuse: `sealed` values of full and usage documents. */
export interface SampleDocuments {
  full: Buffer[];
  usage: Buffer[];
}

const COLUMNS = {
  sims: ['id', 'iccid', 'imsi', 'min', 'esn_meid', 'msisdn', 'status', 'created_at'],
  subscribers: [
    'id',
    'sim_id',
    'iccid',
    'imsi',
    'min',
    'device_id',
    'refresh_user',
    'refresh_password_hash',
    'credential_version',
    'created_at',
    'updated_at',
    'status',
  ],
  checkouts: [
    'id',
    'subscriber_id',
    'plan_id',
    'amount_minor',
    'currency',
    'status',
    'payment_reference',
    'failure',
    'subscription_id',
    'client_key',
    'created_at',
    'updated_at',
  ],
  subscriptions: [
    'id',
    'subscriber_id',
    'plan_id',
    'status',
    'starts_at',
    'ends_at',
    'data_limit_mb',
    'usage_mb',
    'usage_at',
    'checkout_id',
    'created_at',
  ],
  documents: ['subscriber_id', 'version', 'kind', 'etag', 'sealed', 'created_at', 'usage_at'],
} as const;
type Table = keyof typeof COLUMNS;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
/**
 * A COPY text row: tab-separated, \N for null (no value here holds a tab, newline or backslash but the bytea values,
 * written as `\\x<hex>`: COPY reads `\\` as one backslash).
 */
const row = (values: Array<string | number | null>) =>
  `${values.map((v) => (v === null ? '\\N' : String(v))).join('\t')}\n`;

/**
 * Drops the keys, indexes and references of `tables` (and references to them) and returns what re-creates them:
 * keys and unique constraints, then the other indexes, then the references (NOT VALID: the loaded rows are
 * consistent by construction, and PostgreSQL checks every row written later). Inserting millions of random keys
 * into B-trees larger than shared_buffers is what slows a load down (7,000 subscribers/s falling to 2,000 at 5
 * million); building each index once from sorted rows is what PostgreSQL's documentation recommends for bulk loads.
 * Built indexes are packed (fillfactor 90) where indexes grown by random inserts are about two thirds full, so a
 * run with rebuilt indexes shows fewer bytes per subscriber than a deployment grown over time.
 */
async function dropKeysAndIndexes(
  client: pg.Client,
  schema: string,
  tables: string[],
  progress: (line: string) => void,
): Promise<() => Promise<void>> {
  const { rows: constraints } = await client.query<{
    table: string;
    name: string;
    def: string;
    type: string;
  }>(
    `select t.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as def, c.contype as type
       from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
       left join pg_class r on r.oid = c.confrelid
      where n.nspname = $1 and c.contype in ('p', 'u', 'f') and (t.relname = any($2) or r.relname = any($2))`,
    [schema, tables],
  );
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.relname as name, pg_get_indexdef(i.oid) as def from pg_index x
       join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = $1 and t.relname = any($2)
        and not exists (select 1 from pg_constraint c where c.conindid = i.oid)`,
    [schema, tables],
  );
  const references = constraints.filter((c) => c.type === 'f');
  const keys = constraints.filter((c) => c.type !== 'f');
  for (const c of references) await client.query(`alter table ${c.table} drop constraint ${c.name}`);
  for (const i of indexes) await client.query(`drop index ${i.name}`);
  for (const c of keys) await client.query(`alter table ${c.table} drop constraint ${c.name}`);
  return async () => {
    await client.query(`set maintenance_work_mem = '1GB'`);
    const started = performance.now();
    const built = (what: string) =>
      progress(`scale: built ${what} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    for (const c of keys) {
      await client.query(`alter table ${c.table} add constraint ${c.name} ${c.def}`);
      built(c.name);
    }
    for (const i of indexes) {
      await client.query(i.def);
      built(i.name);
    }
    for (const c of references)
      await client.query(`alter table ${c.table} add constraint ${c.name} ${c.def} not valid`);
  };
}

/**
 * Writes subscribers [0, n) to the tables of `schema`; `refreshPassword` derives each one's password as the portal
 * does. Reports progress through `progress` about every 2%. With `rebuildIndexes` the keys and indexes are dropped
 * first and built once at the end ({@link dropKeysAndIndexes}).
 */
export async function loadSubscribers(
  databaseUrl: string,
  schema: string,
  n: number,
  samples: SampleDocuments,
  refreshPassword: (id: string) => string,
  now: number,
  progress: (line: string) => void,
  rebuildIndexes = false,
): Promise<void> {
  const tables = Object.keys(COLUMNS) as Table[];
  const hex = (values: Buffer[]) => values.map((b) => `\\\\x${b.toString('hex')}`);
  const sealed = { full: hex(samples.full), usage: hex(samples.usage) };
  const clients = await Promise.all(
    tables.map(async () => {
      const client = new pg.Client({
        connectionString: databaseUrl,
        options: `-c search_path=${schema} -c session_replication_role=replica -c synchronous_commit=off`,
      });
      await client.connect();
      return client;
    }),
  );
  const rebuild = rebuildIndexes
    ? await dropKeysAndIndexes(clients[0] as pg.Client, schema, tables, progress)
    : undefined;
  try {
    const streams = Object.fromEntries(
      tables.map((table, t) => [
        table,
        (clients[t] as pg.Client).query(
          copyFrom(`COPY ${table} (${COLUMNS[table].join(', ')}) FROM STDIN`),
        ) as Writable,
      ]),
    ) as Record<Table, Writable>;
    const buffers = Object.fromEntries(tables.map((t) => [t, [] as string[]])) as Record<Table, string[]>;
    const flush = async () => {
      const waits: Promise<unknown>[] = [];
      for (const table of tables) {
        const chunk = buffers[table].join('');
        buffers[table].length = 0;
        if (!streams[table].write(chunk)) waits.push(once(streams[table], 'drain'));
      }
      await Promise.all(waits);
    };
    const month = { id: 'month-10gb', price: 1999, limit: 10000 };
    const day = { id: 'day-1gb', price: 299, limit: 1000 };
    const started = performance.now();
    let reported = 0;
    for (let i = 0; i < n; i++) {
      const { id, refreshUser } = subscriberOf(i);
      const iccid = iccidOf(i);
      const simCreated = iso(now - 200 * DAY);
      buffers.sims.push(
        row([
          iccid,
          iccid,
          imsiOf(i),
          null,
          null,
          `+1555${String(i).padStart(10, '0')}`,
          'available',
          simCreated,
        ]),
      );
      const starts = now - ((i % 20) + 1) * DAY - (i % 86_400) * 1000;
      const usageAt = starts + DAY / 2;
      const joined = i % 2 === 0 ? starts - 10 * DAY : starts;
      buffers.subscribers.push(
        row([
          id,
          iccid,
          iccid,
          imsiOf(i),
          null,
          `35847011${String(i % 10_000_000).padStart(7, '0')}`,
          refreshUser,
          hashToken(refreshPassword(id)),
          1,
          iso(joined),
          iso(starts),
          'active',
        ]),
      );
      const purchase = (
        plan: typeof month,
        status: string,
        from: number,
        to: number,
        usedMb: number,
        at: number,
      ) => {
        const subscription = randomUUID();
        const checkout = randomUUID();
        buffers.checkouts.push(
          row([
            checkout,
            id,
            plan.id,
            plan.price,
            'USD',
            'completed',
            `test_${checkout.slice(0, 24)}`,
            null,
            subscription,
            refreshUser.slice(1).repeat(2),
            iso(from),
            iso(from),
          ]),
        );
        buffers.subscriptions.push(
          row([
            subscription,
            id,
            plan.id,
            status,
            iso(from),
            iso(to),
            plan.limit,
            usedMb,
            iso(at),
            checkout,
            iso(from),
          ]),
        );
      };
      if (i % 2 === 0) purchase(day, 'expired', joined, joined + DAY, 1000, joined + DAY);
      purchase(month, 'active', starts, starts + 30 * DAY, i % 5000, usageAt);
      const full = sealed.full[i % sealed.full.length] as string;
      const usage = sealed.usage[i % sealed.usage.length] as string;
      const history: Array<[string, string, number, number]> = [
        ['full', full, starts, starts],
        ['usage', usage, usageAt, usageAt],
        ['full', full, usageAt + 3_600_000, usageAt],
      ];
      for (const [v, [kind, blob, created, carries]] of history.entries())
        if (v >= history.length - KEPT_VERSIONS)
          buffers.documents.push(row([id, v + 1, kind, etagOf(id, v + 1), blob, iso(created), iso(carries)]));
      if (i % 1000 === 999 || i === n - 1) await flush();
      if (i + 1 - reported >= Math.max(1000, Math.floor(n / 50)) || i === n - 1) {
        reported = i + 1;
        const seconds = (performance.now() - started) / 1000;
        progress(
          `scale: loaded ${reported.toLocaleString('en-US')}/${n.toLocaleString('en-US')} subscribers ` +
            `(${Math.round((100 * reported) / n)}%) in ${seconds.toFixed(0)} s, ${Math.round(reported / seconds).toLocaleString('en-US')}/s`,
        );
      }
    }
    for (const table of tables) streams[table].end();
    await Promise.all(tables.map((t) => finished(streams[t])));
    if (rebuild) {
      progress('scale: building the keys and indexes');
      await rebuild();
    }
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}
