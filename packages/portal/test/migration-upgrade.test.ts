// Upgrading a database stored before migration 0008_cdma_identifiers: rows of version 0007 survive the rebuild of
// `sims` and `subscribers` (SQLite) or its ALTERs (PostgreSQL), SIMs keep their ICCID as id, subscribers point at
// their SIM, the new constraints hold, and the portal opens the migrated database (its documents rebuilt by 0014).
// Then 0016_wifi_accounts on a database holding SIM subscribers: a subscriber may have no SIM, with its rows, indexes
// and foreign keys kept.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { openStore } from '../src/storage/database.ts';
import { insertNextVersion, latestDocument, latestFullDocument } from '../src/storage/documents.ts';
import { CodeMigrations } from '../src/storage/migrations.ts';
import { findSim } from '../src/storage/sims.ts';
import { subscriberByIccid, subscriberBySim } from '../src/storage/subscribers.ts';
import { DIALECTS, POSTGRES_URL } from './helpers/context.ts';

const T0 = '2026-10-01T09:00:00.000Z';
const T1 = '2026-10-02T09:00:00.000Z';

// biome-ignore lint/suspicious/noExplicitAny: rows of an old schema, written and read without the current types
type Row = Record<string, any>;

/** Rows of version 0007, in foreign-key order. */
const OLD_ROWS: Array<[string, Row[]]> = [
  [
    'plans',
    [
      {
        id: 'p-5gb',
        name: '5 GB / 30 days',
        name_ja: '5GB / 30日',
        plan_type: 'data',
        data_limit_mb: 5120,
        duration_days: 30,
        bandwidth_kbps: null,
        price_minor: 1500,
        currency: 'JPY',
        status: 'active',
        updated_at: T0,
      },
    ],
  ],
  [
    'sims',
    [
      {
        iccid: '8981100000000000011',
        imsi: '440100000000011',
        msisdn: '+819000000011',
        status: 'available',
        created_at: T0,
      },
      {
        iccid: '8981100000000000029',
        imsi: '440100000000029',
        msisdn: null,
        status: 'suspended',
        created_at: T0,
      },
      // Nobody has used this one yet.
      {
        iccid: '8981100000000000037',
        imsi: '440100000000037',
        msisdn: null,
        status: 'available',
        created_at: T0,
      },
    ],
  ],
  [
    'subscribers',
    [
      {
        id: 'sub-1',
        iccid: '8981100000000000011',
        imsi: '440100000000011',
        device_id: 'dev-1',
        refresh_user: 'ru-1',
        refresh_password_hash: 'scrypt$aa$bb',
        credential_version: 2,
        created_at: T0,
        updated_at: T1,
        status: 'active',
      },
      {
        id: 'sub-2',
        iccid: '8981100000000000029',
        imsi: '440100000000029',
        device_id: null,
        refresh_user: 'ru-2',
        refresh_password_hash: 'scrypt$cc$dd',
        credential_version: 1,
        created_at: T0,
        updated_at: T0,
        status: 'suspended',
      },
    ],
  ],
  [
    'checkouts',
    [
      {
        id: 'co-1',
        subscriber_id: 'sub-1',
        plan_id: 'p-5gb',
        amount_minor: 1500,
        currency: 'JPY',
        status: 'completed',
        payment_reference: 'tch-1',
        failure: null,
        subscription_id: 'subn-1',
        created_at: T0,
        updated_at: T0,
        client_key: 'ck-1',
      },
      {
        id: 'co-2',
        subscriber_id: 'sub-2',
        plan_id: 'p-5gb',
        amount_minor: 1500,
        currency: 'JPY',
        status: 'failed',
        payment_reference: null,
        failure: 'card_declined',
        subscription_id: null,
        created_at: T1,
        updated_at: T1,
        client_key: 'ck-2',
      },
    ],
  ],
  [
    'subscriptions',
    [
      {
        id: 'subn-1',
        subscriber_id: 'sub-1',
        plan_id: 'p-5gb',
        status: 'active',
        starts_at: T0,
        ends_at: '2026-10-31T09:00:00.000Z',
        data_limit_mb: 5120,
        usage_mb: 321,
        usage_at: T1,
        checkout_id: 'co-1',
        created_at: T0,
      },
    ],
  ],
  [
    'documents',
    [
      {
        id: 'doc-1',
        subscriber_id: 'sub-1',
        version: 1,
        kind: 'full',
        etag: '"e1"',
        xml_encrypted: 'v1:aaaa',
        created_at: T0,
        seq: 1,
        usage_at: null,
      },
      {
        id: 'doc-2',
        subscriber_id: 'sub-1',
        version: 2,
        kind: 'usage',
        etag: '"e2"',
        xml_encrypted: 'v1:bbbb',
        created_at: T1,
        seq: 2,
        usage_at: T1,
      },
    ],
  ],
  [
    'test_payment_charges',
    [
      {
        id: 'tch-1',
        idempotency_key: 'co-1',
        amount_minor: 1500,
        currency: 'JPY',
        status: 'succeeded',
        decline_reason: null,
        created_at: T0,
        updated_at: T0,
      },
    ],
  ],
  [
    'audit_log',
    [
      {
        id: 'au-1',
        at: T0,
        actor: 'operator',
        action: 'sim.add',
        target: '8981100000000000011',
        details: '{}',
      },
    ],
  ],
];

interface Upgraded {
  db: Kysely<unknown>;
  migrator: Migrator;
  /** Closes the migration's connections (the database is kept). */
  close(): Promise<void>;
  reopen(): ReturnType<typeof openStore>;
  /** Closes what is still open and removes the temp directory or drops the schema. */
  cleanup(): Promise<void>;
}

function once(f: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= f();
    return done;
  };
}

async function oldDatabase(dialect: (typeof DIALECTS)[number]): Promise<Upgraded> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'mbprov-upgrade-'));
    const file = join(dir, 'portal.sqlite');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: sqlite }) });
    const close = once(() => db.destroy());
    return {
      db,
      migrator: new Migrator({ db, provider: new CodeMigrations() }),
      close,
      reopen: () => openStore({ sqliteFile: file }),
      cleanup: async () => {
        await close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = `t_upg_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2, options: `-c search_path=${schema}` });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const close = once(() => db.destroy());
  return {
    db,
    migrator: new Migrator({ db, provider: new CodeMigrations(), migrationTableSchema: schema }),
    close,
    reopen: () => openStore({ databaseUrl: POSTGRES_URL, schema, poolSize: 2 }),
    cleanup: async () => {
      await close();
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

async function rows(db: Kysely<unknown>, table: string): Promise<Row[]> {
  // biome-ignore lint/suspicious/noExplicitAny: the untyped database of the test
  return (db as Kysely<any>).selectFrom(table).selectAll().orderBy('id').execute();
}

/** The statement is refused by the database, for the reason `why` (SQLite's or PostgreSQL's message). */
async function refused(run: () => Promise<unknown>, what: string, why: RegExp): Promise<void> {
  await assert.rejects(
    run,
    (e: Error) => {
      assert.match(e.message, why, `${what}: unexpected error ${e.message}`);
      return true;
    },
    `${what} was accepted`,
  );
}

/**
 * A document of an unknown subscriber is refused: the tables that reference subscribers still enforce it. `compact`:
 * the documents table as 0014_compact_documents left it.
 */
async function refusesGhostDocument(
  // biome-ignore lint/suspicious/noExplicitAny: the untyped database of the test
  any: Kysely<any>,
  compact = false,
): Promise<void> {
  const row = { subscriber_id: 'sub-ghost', version: 1, kind: 'full', etag: '"x"', created_at: T1 };
  await refused(
    () =>
      any
        .insertInto('documents')
        .values(
          compact
            ? { ...row, sealed: Buffer.from('v1:x') }
            : { ...row, id: 'doc-ghost', xml_encrypted: 'v1:x' },
        )
        .execute(),
    'a document of an unknown subscriber',
    /FOREIGN KEY constraint failed|foreign key constraint "documents_subscriber_id_fkey"/,
  );
}

for (const dialect of DIALECTS) {
  describe(`upgrading a 0007 database to 0008_cdma_identifiers (${dialect})`, () => {
    let upgraded: Upgraded | undefined;
    after(async () => {
      await upgraded?.cleanup();
    });

    test('rows survive, SIMs get their ICCID as id, subscribers their SIM, constraints hold, the portal opens it', async () => {
      upgraded = await oldDatabase(dialect);
      const { db, migrator } = upgraded;
      // biome-ignore lint/suspicious/noExplicitAny: the untyped database of the test
      const any = db as Kysely<any>;

      const to7 = await migrator.migrateTo('0007_test_payment_charges');
      assert.ifError(to7.error);
      assert.deepEqual(
        (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name),
        [
          '0001_initial',
          '0002_back_office',
          '0005_document_usage_at',
          '0006_checkout_bounds',
          '0007_test_payment_charges',
        ],
      );
      for (const [table, values] of OLD_ROWS) await any.insertInto(table).values(values).execute();

      // To 0008 itself: later migrations are not this test's business (the portal opening it below runs them).
      const to8 = await migrator.migrateTo('0008_cdma_identifiers');
      assert.ifError(to8.error);
      assert.deepEqual(
        to8.results?.map((r) => [r.migrationName, r.status]),
        [['0008_cdma_identifiers', 'Success']],
      );
      if (dialect === 'sqlite') {
        const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
        assert.equal(fk.rows[0]?.foreign_keys, 1, 'foreign keys are on again after 0008');
        const broken = await sql`pragma foreign_key_check`.execute(db);
        assert.deepEqual(broken.rows, []);
      }

      // Every row is still there with its values; sims and subscribers with their new columns.
      for (const [table, values] of OLD_ROWS) {
        const expected = values
          .map((row) => {
            if (table === 'sims') return { id: row.iccid, ...row, min: null, esn_meid: null };
            if (table === 'subscribers') return { ...row, sim_id: row.iccid, min: null };
            return row;
          })
          .sort((a, b) => String(a.id).localeCompare(String(b.id)));
        assert.deepEqual(await rows(db, table), expected, `rows of ${table}`);
      }
      // Each subscriber's sim_id names its SIM's row.
      const joined = await any
        .selectFrom('subscribers')
        .innerJoin('sims', 'sims.id', 'subscribers.sim_id')
        .select(['subscribers.id as subscriber', 'sims.iccid as simIccid', 'subscribers.iccid as iccid'])
        .orderBy('subscribers.id')
        .execute();
      assert.deepEqual(joined, [
        { subscriber: 'sub-1', simIccid: '8981100000000000011', iccid: '8981100000000000011' },
        { subscriber: 'sub-2', simIccid: '8981100000000000029', iccid: '8981100000000000029' },
      ]);

      // The new constraints.
      await refused(
        () =>
          any
            .insertInto('sims')
            .values({ id: 'no-ids', esn_meid: 'A0000000000001', status: 'available', created_at: T1 })
            .execute(),
        'a SIM with none of ICCID, IMSI, MIN',
        /CHECK constraint failed|violates check constraint "sims_some_subscriber_id"/,
      );
      await refused(
        () =>
          any
            .insertInto('sims')
            .values({ id: 'dup-imsi', iccid: '8981100000000000045', imsi: '440100000000011', created_at: T1 })
            .execute(),
        'a SIM with a duplicate IMSI',
        /UNIQUE constraint failed: sims\.imsi|unique constraint "sims_imsi_key"/,
      );
      await refused(
        () =>
          any
            .insertInto('sims')
            .values({ id: 'dup-iccid', iccid: '8981100000000000011', created_at: T1 })
            .execute(),
        'a SIM with a duplicate ICCID',
        /UNIQUE constraint failed: sims\.iccid|unique constraint "sims_iccid_key"/,
      );
      await refused(
        () =>
          any
            .insertInto('subscribers')
            .values({
              id: 'sub-ghost',
              sim_id: 'no-such-sim',
              iccid: null,
              imsi: null,
              refresh_user: 'ru-ghost',
              refresh_password_hash: 'x',
              created_at: T1,
              updated_at: T1,
            })
            .execute(),
        'a subscriber with an unknown sim_id',
        /FOREIGN KEY constraint failed|foreign key constraint "subscribers_sim_id_fkey"/,
      );
      await refused(
        () =>
          any
            .insertInto('subscribers')
            .values({
              id: 'sub-twice',
              sim_id: '8981100000000000011',
              refresh_user: 'ru-twice',
              refresh_password_hash: 'x',
              created_at: T1,
              updated_at: T1,
            })
            .execute(),
        'a second subscriber of the same SIM',
        /UNIQUE constraint failed: subscribers\.sim_id|unique constraint "subscribers_sim_id_key"/,
      );
      // The tables that reference subscribers still enforce it after the rebuild.
      await refusesGhostDocument(any);
      // A CDMA row (MIN only) and its subscriber are accepted.
      await any
        .insertInto('sims')
        .values({ id: 'cdma-1', min: '3125550101', esn_meid: 'A0000012345678', created_at: T1 })
        .execute();
      await any
        .insertInto('subscribers')
        .values({
          id: 'sub-cdma',
          sim_id: 'cdma-1',
          min: '3125550101',
          refresh_user: 'ru-cdma',
          refresh_password_hash: 'x',
          created_at: T1,
          updated_at: T1,
        })
        .execute();
      await upgraded.close();

      // The portal opens the migrated database (applying the later migrations) and finds the subscriber by ICCID and IMSI.
      const store = await upgraded.reopen();
      try {
        const byIccid = await subscriberByIccid(store.db, '8981100000000000011');
        assert.equal(byIccid?.id, 'sub-1');
        assert.equal(byIccid?.sim_id, '8981100000000000011');
        const sim = await findSim(store.db, { imsi: '440100000000011' });
        assert.equal(sim?.id, '8981100000000000011');
        assert.equal(sim?.iccid, '8981100000000000011');
        const byImsi = await subscriberBySim(store.db, sim?.id ?? '');
        assert.equal(byImsi?.id, 'sub-1');
        assert.equal(byImsi?.imsi, '440100000000011');
        const suspended = await findSim(store.db, { imsi: '440100000000029' });
        assert.equal((await subscriberBySim(store.db, suspended?.id ?? ''))?.status, 'suspended');
        const unused = await findSim(store.db, { iccid: '8981100000000000037' });
        assert.equal(unused?.id, '8981100000000000037');
        assert.equal(await subscriberBySim(store.db, unused?.id ?? ''), undefined);
        // 0014_compact_documents rebuilt documents keyed by (subscriber_id, version): the text rows kept as their
        // bytes, which the reader recognizes by their first byte; the reference to subscribers still enforced.
        const newest = await latestDocument(store.db, 'sub-1');
        assert.deepEqual(
          { ...newest, sealed: newest?.sealed.toString('utf8') },
          {
            subscriber_id: 'sub-1',
            version: 2,
            kind: 'usage',
            etag: '"e2"',
            sealed: 'v1:bbbb',
            created_at: T1,
            usage_at: T1,
          },
        );
        assert.equal((await latestFullDocument(store.db, 'sub-1'))?.sealed.toString('utf8'), 'v1:aaaa');
        const ghost = {
          subscriber_id: 'sub-ghost',
          kind: 'full',
          etag: '"x"',
          sealed: Buffer.from('x'),
          created_at: T1,
          usage_at: null,
        };
        await refused(
          () => insertNextVersion(store.db, ghost),
          'a document of an unknown subscriber, after 0014',
          /FOREIGN KEY constraint failed|foreign key constraint "documents_subscriber_id_fkey"/,
        );
        await insertNextVersion(store.db, { ...ghost, subscriber_id: 'sub-1' });
        await refused(
          () =>
            store.db
              .insertInto('documents')
              .values({ ...ghost, subscriber_id: 'sub-1', version: 3 })
              .execute(),
          'a second row of one version',
          /UNIQUE constraint failed: documents\.subscriber_id, documents\.version|duplicate key value violates unique constraint "documents_key"/,
        );
      } finally {
        await store.close();
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`upgrading a database with SIM subscribers to 0016_wifi_accounts (${dialect})`, () => {
    let upgraded: Upgraded | undefined;
    after(async () => {
      await upgraded?.cleanup();
    });

    test('subscribers keep their rows, indexes and foreign keys; one may now have no SIM; plans become mobile', async () => {
      upgraded = await oldDatabase(dialect);
      const { db, migrator } = upgraded;
      // biome-ignore lint/suspicious/noExplicitAny: the untyped database of the test
      const any = db as Kysely<any>;
      assert.ifError((await migrator.migrateTo('0007_test_payment_charges')).error);
      for (const [table, values] of OLD_ROWS) await any.insertInto(table).values(values).execute();
      assert.ifError((await migrator.migrateTo('0013_receipt_email')).error);
      const before = await rows(db, 'subscribers');
      const indexes = async () =>
        dialect === 'sqlite'
          ? (
              await sql<{
                name: string;
              }>`select name from sqlite_master where type = 'index' and tbl_name = 'subscribers' order by name`.execute(
                db,
              )
            ).rows.map((r) => r.name)
          : (
              await sql<{
                name: string;
              }>`select indexname as name from pg_indexes where tablename = 'subscribers' and schemaname = current_schema() order by indexname`.execute(
                db,
              )
            ).rows.map((r) => r.name);
      const indexesBefore = await indexes();

      const to16 = await migrator.migrateTo('0016_wifi_accounts');
      assert.ifError(to16.error);
      assert.equal(to16.results?.at(-1)?.migrationName, '0016_wifi_accounts');
      if (dialect === 'sqlite') {
        const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
        assert.equal(fk.rows[0]?.foreign_keys, 1, 'foreign keys are on again after 0016');
        assert.deepEqual((await sql`pragma foreign_key_check`.execute(db)).rows, []);
      }
      assert.deepEqual(await rows(db, 'subscribers'), before);
      assert.deepEqual(await indexes(), indexesBefore);
      assert.deepEqual(
        (await rows(db, 'plans')).map((p) => [p.id, p.kind]),
        [['p-5gb', 'mobile']],
      );

      const noSim = (id: string) => ({
        id,
        sim_id: null,
        refresh_user: `ru-${id}`,
        refresh_password_hash: 'x',
        created_at: T1,
        updated_at: T1,
      });
      // Two subscribers without a SIM: sim_id may be null, and nulls do not collide in its unique index.
      await any
        .insertInto('subscribers')
        .values([noSim('wifi-1'), noSim('wifi-2')])
        .execute();
      await refused(
        () =>
          any
            .insertInto('subscribers')
            .values({ ...noSim('sub-twice'), sim_id: '8981100000000000011' })
            .execute(),
        'a second subscriber of the same SIM',
        /UNIQUE constraint failed: subscribers\.sim_id|unique constraint "subscribers_sim_id_key"/,
      );
      await refused(
        () =>
          any
            .insertInto('subscribers')
            .values({ ...noSim('sub-ghost'), sim_id: 'no-such-sim' })
            .execute(),
        'a subscriber with an unknown sim_id',
        /FOREIGN KEY constraint failed|foreign key constraint "subscribers_sim_id_fkey"/,
      );
      await refused(
        () =>
          any
            .insertInto('subscribers')
            .values({ ...noSim('wifi-3'), refresh_user: 'ru-wifi-1' })
            .execute(),
        'a duplicate refresh user',
        /UNIQUE constraint failed: subscribers\.refresh_user|unique constraint "subscribers_refresh_user_key"/,
      );
      // The tables that reference subscribers still enforce it after the rebuild.
      await refusesGhostDocument(any, true);
      await refused(
        () =>
          any
            .insertInto('accounts')
            .values({
              id: 'acc-ghost',
              email_id: 'e',
              email_encrypted: 'v1.x',
              password_hash: 'x',
              subscriber_id: 'sub-ghost',
              created_at: T1,
              updated_at: T1,
            })
            .execute(),
        'an account of an unknown subscriber',
        /FOREIGN KEY constraint failed|foreign key constraint "accounts_subscriber_id_fkey"/,
      );
      await upgraded.close();

      // The portal opens the migrated database (applying any later migration) and finds the SIM's subscriber.
      const store = await upgraded.reopen();
      try {
        assert.equal((await subscriberByIccid(store.db, '8981100000000000011'))?.id, 'sub-1');
      } finally {
        await store.close();
      }
    });
  });
}
