import { type Kysely, type Migration, type MigrationProvider, Migrator, SqliteAdapter, sql } from 'kysely';

/** Migrations in code (no file scanning), applied in name order; each one works on SQLite and PostgreSQL. */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sims')
        .addColumn('iccid', 'text', (c) => c.primaryKey())
        .addColumn('imsi', 'text', (c) => c.notNull().unique())
        .addColumn('msisdn', 'text')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('available'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_ja', 'text')
        .addColumn('plan_type', 'text', (c) => c.notNull())
        .addColumn('data_limit_mb', 'integer')
        .addColumn('duration_days', 'integer', (c) => c.notNull())
        .addColumn('bandwidth_kbps', 'integer')
        .addColumn('price_minor', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('subscribers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('iccid', 'text', (c) => c.notNull().unique().references('sims.iccid'))
        .addColumn('imsi', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('refresh_user', 'text', (c) => c.notNull().unique())
        .addColumn('refresh_password_hash', 'text', (c) => c.notNull())
        .addColumn('credential_version', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('checkouts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subscriber_id', 'text', (c) => c.notNull().references('subscribers.id'))
        .addColumn('plan_id', 'text', (c) => c.references('plans.id'))
        .addColumn('amount_minor', 'integer')
        .addColumn('currency', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('payment_reference', 'text')
        .addColumn('failure', 'text')
        .addColumn('subscription_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subscriber_id', 'text', (c) => c.notNull().references('subscribers.id'))
        .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('data_limit_mb', 'integer')
        .addColumn('usage_mb', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('usage_at', 'text')
        .addColumn('checkout_id', 'text', (c) => c.notNull().unique().references('checkouts.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // At most one active subscription per subscriber, whatever races happen between checkouts.
      await sql`create unique index subscriptions_one_active on subscriptions (subscriber_id) where status = 'active'`.execute(
        db,
      );
      await db.schema
        .createIndex('subscriptions_by_subscriber')
        .on('subscriptions')
        .columns(['subscriber_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('documents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subscriber_id', 'text', (c) => c.notNull().references('subscribers.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('etag', 'text', (c) => c.notNull())
        .addColumn('xml_encrypted', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('documents_subscriber_version', ['subscriber_id', 'version'])
        .execute();
    },
  },
  '0002_back_office': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('subscribers')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull())
        .addColumn('scopes', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_by_time').on('audit_log').column('at').execute();
      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('singleton_key', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();
      await sql`create unique index jobs_one_pending on jobs (name, singleton_key) where status = 'pending' and singleton_key is not null`.execute(
        db,
      );
    },
  },
  // The usage time a document carries, so that a refresh signs a new usage document only when the usage changed.
  '0005_document_usage_at': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('documents').addColumn('usage_at', 'text').execute();
    },
  },
  // Checkouts are stored when their form is posted, bounded per SIM and per client address, and swept when old.
  '0006_checkout_bounds': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('checkouts').addColumn('client_key', 'text').execute();
      await db.schema
        .createIndex('checkouts_by_subscriber')
        .on('checkouts')
        .columns(['subscriber_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('checkouts_by_client')
        .on('checkouts')
        .columns(['client_key', 'created_at'])
        .execute();
      await db.schema
        .createIndex('checkouts_by_status')
        .on('checkouts')
        .columns(['status', 'created_at'])
        .execute();
      // Rows the plans page used to store on every visit: never paid, so nothing to refund.
      await sql`update checkouts set status = 'expired' where status = 'open'`.execute(db);
    },
  },
  '0007_test_payment_charges': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('test_payment_charges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('amount_minor', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('decline_reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  // SIMs and subscribers by whichever identifiers the network has (docs/operator-guide.md, "Identifiers"): a row of
  // the inventory has its own id and at least one of ICCID, IMSI and MIN (CDMA), and may bind a CDMA device by its
  // ESN or MEID; a subscriber points at its SIM's row. Existing rows keep their ICCID as their id.
  '0008_cdma_identifiers': {
    async up(db: Kysely<unknown>) {
      if (db.getExecutor().adapter instanceof SqliteAdapter) {
        // SQLite cannot drop a NOT NULL or a primary key: the tables are rebuilt, as its documentation describes
        // (foreign keys off meanwhile; Kysely runs SQLite migrations outside a transaction, so the pragma applies).
        await sql`pragma foreign_keys = off`.execute(db);
        try {
          await sql`create table sims_new (
            id text primary key,
            iccid text unique,
            imsi text unique,
            min text unique,
            esn_meid text unique,
            msisdn text,
            status text not null default 'available',
            created_at text not null,
            check (iccid is not null or imsi is not null or min is not null)
          )`.execute(db);
          await sql`insert into sims_new (id, iccid, imsi, msisdn, status, created_at)
            select iccid, iccid, imsi, msisdn, status, created_at from sims`.execute(db);
          await sql`drop table sims`.execute(db);
          await sql`alter table sims_new rename to sims`.execute(db);
          await sql`create table subscribers_new (
            id text primary key,
            sim_id text not null unique references sims (id),
            iccid text unique,
            imsi text,
            min text,
            device_id text,
            refresh_user text not null unique,
            refresh_password_hash text not null,
            credential_version integer not null default 1,
            created_at text not null,
            updated_at text not null,
            status text not null default 'active'
          )`.execute(db);
          await sql`insert into subscribers_new (id, sim_id, iccid, imsi, device_id, refresh_user, refresh_password_hash,
              credential_version, created_at, updated_at, status)
            select id, iccid, iccid, imsi, device_id, refresh_user, refresh_password_hash, credential_version, created_at,
              updated_at, status from subscribers`.execute(db);
          await sql`drop table subscribers`.execute(db);
          await sql`alter table subscribers_new rename to subscribers`.execute(db);
          const broken = await sql`pragma foreign_key_check`.execute(db);
          if (broken.rows.length)
            throw new Error(`foreign keys broken by 0008: ${JSON.stringify(broken.rows)}`);
        } finally {
          await sql`pragma foreign_keys = on`.execute(db);
        }
        return;
      }
      await sql`alter table subscribers drop constraint subscribers_iccid_fkey`.execute(db);
      await sql`alter table sims drop constraint sims_pkey`.execute(db);
      await sql`alter table sims add column id text`.execute(db);
      await sql`update sims set id = iccid`.execute(db);
      await sql`alter table sims alter column id set not null`.execute(db);
      await sql`alter table sims add primary key (id)`.execute(db);
      await sql`alter table sims alter column iccid drop not null`.execute(db);
      await sql`alter table sims add constraint sims_iccid_key unique (iccid)`.execute(db);
      await sql`alter table sims alter column imsi drop not null`.execute(db);
      await sql`alter table sims add column min text unique`.execute(db);
      await sql`alter table sims add column esn_meid text unique`.execute(db);
      await sql`alter table sims add constraint sims_some_subscriber_id check (iccid is not null or imsi is not null or min is not null)`.execute(
        db,
      );
      await sql`alter table subscribers add column sim_id text`.execute(db);
      await sql`update subscribers set sim_id = iccid`.execute(db);
      await sql`alter table subscribers alter column sim_id set not null`.execute(db);
      await sql`alter table subscribers add constraint subscribers_sim_id_key unique (sim_id)`.execute(db);
      await sql`alter table subscribers add constraint subscribers_sim_id_fkey foreign key (sim_id) references sims (id)`.execute(
        db,
      );
      await sql`alter table subscribers alter column iccid drop not null`.execute(db);
      await sql`alter table subscribers alter column imsi drop not null`.execute(db);
      await sql`alter table subscribers add column min text`.execute(db);
    },
  },
  // Scale: the expiry sweep finds the active subscriptions past their end through an index of the active ones only
  // (it scanned every subscription every minute), and documents are compressed against a dictionary stored once.
  '0009_scale': {
    async up(db: Kysely<unknown>) {
      await sql`create index subscriptions_active_ends on subscriptions (ends_at) where status = 'active'`.execute(
        db,
      );
      // ANALYZE samples a fixed number of rows, so with millions of subscribers it counts far fewer distinct
      // subscribers among the documents than there are (it estimated 111 versions per subscriber for 3 at 5 million),
      // and a prune batch's plan crossed the JIT threshold on that estimate (12 ms of compiling for 3 ms of work).
      // Pruning keeps about keepVersions versions per subscriber.
      if (!(db.getExecutor().adapter instanceof SqliteAdapter))
        await sql`alter table documents alter column subscriber_id set (n_distinct = -0.3)`.execute(db);
      await db.schema
        .createTable('document_dictionaries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('content_encrypted', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  // Rate limit counts shared by the portal processes on one database (rate-limits/, storage/rate-limits.ts).
  '0010_rate_limits': {
    async up(db: Kysely<unknown>) {
      const postgres = !(db.getExecutor().adapter instanceof SqliteAdapter);
      // UNLOGGED (PostgreSQL only): counts need no crash safety nor replicas, and skip the write-ahead log. Room left
      // in each page lets a count's update stay on its page without touching the indexes (HOT update).
      await db.schema
        .createTable('rate_limits')
        .$call((t) => (postgres ? t.modifyFront(sql`unlogged`).modifyEnd(sql`with (fillfactor = 70)`) : t))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('window_start', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rate_limits_pkey', ['name', 'window_start'])
        .execute();
      await db.schema.createIndex('rate_limits_by_expiry').on('rate_limits').column('expires_at').execute();
    },
  },
  // The test payment service's records (payments/test-service/, storage/test-payments.ts).
  '0011_test_payments': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('test_payments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('checkout_id', 'text', (c) => c.notNull().unique())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('amount_minor', 'integer', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('return_url', 'text', (c) => c.notNull())
        .addColumn('cancel_url', 'text', (c) => c.notNull())
        .addColumn('lang', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.unique())
        .addColumn('method_brand', 'text')
        .addColumn('method_last4', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // The retention sweep deletes by age through this index.
      await db.schema
        .createIndex('test_payments_by_updated')
        .on('test_payments')
        .column('updated_at')
        .execute();
    },
  },
  // Hosted payments (issue 15, docs/checkout.md): the provider's payment a checkout waits for, and what the receipt
  // shows of how it was paid (never a card number: the brand and last four digits when the provider says them).
  '0012_hosted_checkouts': {
    async up(db: Kysely<unknown>) {
      for (const column of [
        'payment_provider',
        'payment_id',
        'method_kind',
        'method_brand',
        'method_last4',
        'method_label',
        'paid_at',
        'order_number',
      ])
        await db.schema.alterTable('checkouts').addColumn(column, 'text').execute();
      // Support finds a checkout by the order number the customer quotes; receipts find the checkout that paid for
      // a subscription (a renewal's is not the subscription's first checkout).
      await db.schema
        .createIndex('checkouts_order_number')
        .on('checkouts')
        .column('order_number')
        .unique()
        .execute();
      await db.schema
        .createIndex('checkouts_by_subscription')
        .on('checkouts')
        .columns(['subscription_id', 'updated_at'])
        .execute();
      // The seed's card-capture test provider kept its charges here; the test payment service keeps test_payments.
      await db.schema.dropTable('test_payment_charges').ifExists().execute();
    },
  },
  // Receipts by e-mail (docs/receipts.md): the address the customer gave, encrypted and kept only until the receipt
  // is sent; when it was sent (never twice) and when a worker claimed the sending; the language of the plans page,
  // for the e-mail's.
  '0013_receipt_email': {
    async up(db: Kysely<unknown>) {
      for (const column of ['receipt_email_encrypted', 'receipt_sent_at', 'receipt_claimed_at', 'lang'])
        await db.schema.alterTable('checkouts').addColumn(column, 'text').execute();
      // The expiry sweep forgets addresses left unsent: only the few checkouts holding one are in this index.
      await sql`create index checkouts_receipt_addresses on checkouts (updated_at) where receipt_email_encrypted is not null`.execute(
        db,
      );
    },
  },
  // Storage follows subscribers (issue 14): a document version costs about 850 bytes with its key instead of 1,190.
  // Documents are rebuilt keyed by (subscriber_id, version), the unique key every read used anyway (the random id,
  // its index and the unused seq column go), with the stored form in a binary column (bytea, blob) instead of base64
  // text; rows written before keep their text as its UTF-8 bytes, which the reader recognizes (sealed-document.ts).
  // The copy rewrites the table once: prune before upgrading a large deployment. Checkouts keep only the indexes
  // their queries need: the expiry sweep's and the deletion's partial indexes replace the index of every status,
  // and the per-SIM and per-client limits count only checkouts that did not complete, so paid ones leave their
  // indexes. The indexes that find one subscriber's (or subscription's) rows lose their second column: those rows
  // are few, sorting them costs nothing, and a timestamp as text made every entry 25 bytes longer.
  '0014_compact_documents': {
    async up(db: Kysely<unknown>) {
      const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
      await db.schema
        .createTable('documents_compact')
        .addColumn('subscriber_id', 'text', (c) => c.notNull().references('subscribers.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('etag', 'text', (c) => c.notNull())
        .addColumn('sealed', sqlite ? 'blob' : 'bytea', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('usage_at', 'text')
        .addPrimaryKeyConstraint('documents_key', ['subscriber_id', 'version'])
        .execute();
      const bytes = sqlite ? sql`cast(xml_encrypted as blob)` : sql`convert_to(xml_encrypted, 'UTF8')`;
      await sql`insert into documents_compact (subscriber_id, version, kind, etag, sealed, created_at, usage_at)
        select subscriber_id, version, kind, etag, ${bytes}, created_at, usage_at from documents`.execute(db);
      await db.schema.dropTable('documents').execute();
      await db.schema.alterTable('documents_compact').renameTo('documents').execute();
      if (!sqlite) {
        await sql`alter table documents rename constraint documents_compact_subscriber_id_fkey to documents_subscriber_id_fkey`.execute(
          db,
        );
        // As in 0009: a few versions per subscriber, whatever ANALYZE's sample counts.
        await sql`alter table documents alter column subscriber_id set (n_distinct = -0.3)`.execute(db);
      }

      await db.schema.dropIndex('checkouts_by_status').execute();
      await sql`create index checkouts_unfinished on checkouts (created_at)
        where status in ('pending', 'captured', 'expiring')`.execute(db);
      await sql`create index checkouts_ended_unpaid on checkouts (updated_at)
        where status in ('declined', 'canceled', 'superseded', 'expired') and payment_reference is null`.execute(
        db,
      );
      await db.schema.dropIndex('checkouts_by_client').execute();
      await sql`create index checkouts_by_client on checkouts (client_key, created_at)
        where status <> 'completed'`.execute(db);
      await db.schema.dropIndex('checkouts_by_subscriber').execute();
      await sql`create index checkouts_by_subscriber on checkouts (subscriber_id)
        where status <> 'completed'`.execute(db);
      for (const [name, table, column] of [
        ['checkouts_by_subscription', 'checkouts', 'subscription_id'],
        ['subscriptions_by_subscriber', 'subscriptions', 'subscriber_id'],
      ] as const) {
        await db.schema.dropIndex(name).execute();
        await db.schema.createIndex(name).on(table).column(column).execute();
      }
    },
  },
  // Hotspot authentication and accounting with FreeRADIUS (docs/hotspot.md): the RADIUS accounting sessions, keyed
  // per NAS and Acct-Session-Id, with the counters last applied; the Wi-Fi octets each subscription consumed and
  // when, beside billing's usage (usage_mb counts both).
  '0015_radius_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('radius_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('nas', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('subscriber_id', 'text', (c) => c.notNull().references('subscribers.id'))
        .addColumn('subscription_id', 'text')
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('nas_ip_address', 'text')
        .addColumn('nas_identifier', 'text')
        .addColumn('framed_ip_address', 'text')
        .addColumn('calling_station_id', 'text')
        .addColumn('called_station_id', 'text')
        .addColumn('unique_session_id', 'text')
        .addColumn('input_octets', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('output_octets', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('session_time', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('terminate_cause', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('stopped_at', 'text')
        .execute();
      // One row per session of a NAS: a repeated record finds the row it already applied.
      await db.schema
        .createIndex('radius_sessions_by_nas')
        .on('radius_sessions')
        .columns(['nas', 'session_id'])
        .unique()
        .execute();
      // The Disconnect client lists a subscriber's open sessions; the prune job walks the sessions by age.
      await db.schema
        .createIndex('radius_sessions_by_subscriber')
        .on('radius_sessions')
        .columns(['subscriber_id', 'status'])
        .execute();
      await db.schema
        .createIndex('radius_sessions_by_update')
        .on('radius_sessions')
        .columns(['status', 'updated_at'])
        .execute();
      await db.schema
        .alterTable('subscriptions')
        .addColumn('wifi_octets', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('subscriptions').addColumn('wifi_usage_at', 'text').execute();
    },
  },
  // Customers without a SIM (docs/hotspot.md, "Customers without a SIM"): a subscriber may have no inventory row;
  // accounts (e-mail and password) and the operator's vouchers name such subscribers; plans are sold to mobile or to
  // Wi-Fi-only customers. Self-contained: the SQLite rebuild copies whatever columns and indexes subscribers has.
  '0016_wifi_accounts': {
    async up(db: Kysely<unknown>) {
      if (db.getExecutor().adapter instanceof SqliteAdapter) await dropSimIdNotNullOnSqlite(db);
      else await sql`alter table subscribers alter column sim_id drop not null`.execute(db);
      await db.schema
        .alterTable('plans')
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('mobile'))
        .execute();
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email_id', 'text', (c) => c.notNull().unique())
        .addColumn('email_encrypted', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('subscriber_id', 'text', (c) => c.notNull().unique().references('subscribers.id'))
        .addColumn('session_epoch', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('vouchers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('code_id', 'text', (c) => c.notNull().unique())
        .addColumn('batch_id', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('redeemed_at', 'text')
        .addColumn('subscriber_id', 'text', (c) => c.references('subscribers.id'))
        // No foreign key: the checkout retention sweep deletes checkouts that ended without a plan.
        .addColumn('checkout_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('vouchers_by_batch').on('vouchers').column('batch_id').execute();
    },
  },
  // eSIM through the operator's SM-DP+ (docs/mobile-plans.md): the profile inventory holds the ICCIDs the SM-DP+ can
  // deliver and each order's state, matching ID, subscriber and EID (an eSIM holds several profiles, so several rows
  // may name one EID; a subscriber's EIDs are those of its profiles, and the EID it was first known by is
  // subscribers.eid, 0018). Every text column is bounded by a check.
  '0017_esim': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('esim_profiles')
        .addColumn('iccid', 'text', (c) => c.primaryKey().check(sql`length(iccid) between 19 and 20`))
        .addColumn('profile_type', 'text', (c) => c.check(sql`length(profile_type) between 1 and 64`))
        .addColumn('imsi', 'text', (c) => c.unique().check(sql`length(imsi) between 6 and 15`))
        .addColumn('state', 'text', (c) =>
          c
            .notNull()
            .defaultTo('available')
            .check(sql`state in ('available', 'ordering', 'released', 'downloaded', 'installed', 'failed')`),
        )
        .addColumn('matching_id', 'text', (c) => c.unique().check(sql`length(matching_id) between 1 and 64`))
        .addColumn('smdp_address', 'text', (c) => c.check(sql`length(smdp_address) between 1 and 253`))
        .addColumn('eid', 'text', (c) => c.check(sql`length(eid) = 32`))
        .addColumn('subscriber_id', 'text', (c) => c.references('subscribers.id'))
        .addColumn('transaction_id', 'text', (c) => c.check(sql`length(transaction_id) between 1 and 64`))
        .addColumn('failure', 'text', (c) => c.check(sql`length(failure) <= 300`))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text')
        .addColumn('downloaded_at', 'text')
        .addColumn('installed_at', 'text')
        .execute();
      // Allocation takes the first available ICCID; a subscriber's orders are found by subscriber and EID.
      await db.schema
        .createIndex('esim_profiles_by_state')
        .on('esim_profiles')
        .columns(['state', 'iccid'])
        .execute();
      await db.schema
        .createIndex('esim_profiles_by_subscriber')
        .on('esim_profiles')
        .columns(['subscriber_id', 'eid'])
        .execute();
    },
  },
  // Mobile Plans (docs/mobile-plans.md): a customer whose eSIM holds no profile of the operator yet is known by its
  // EID; the row is created when the purchase starts, one per EID. (0017 is the SM-DP+ profile inventory.)
  '0018_mobile_plans_eid': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('subscribers').addColumn('eid', 'text').execute();
      await db.schema.createIndex('subscribers_eid').on('subscribers').column('eid').unique().execute();
    },
  },
};

/**
 * SQLite cannot drop a NOT NULL: subscribers is rebuilt from its own stored definition with only sim_id's NOT NULL
 * removed (so columns and indexes later migrations added come along), as SQLite's documentation describes, with
 * foreign keys off meanwhile and checked after.
 */
async function dropSimIdNotNullOnSqlite(db: Kysely<unknown>): Promise<void> {
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'subscribers'`.execute(db);
  const definition = table.rows[0]?.sql ?? '';
  const nullable = definition.replace(/(\bsim_id\s+text)\s+not\s+null/i, '$1');
  if (nullable === definition) throw new Error('0016: subscribers.sim_id NOT NULL not found');
  const rebuilt = nullable.replace(
    /^\s*create\s+table\s+("subscribers"|subscribers)/i,
    'create table subscribers_rebuilt',
  );
  if (rebuilt === nullable) throw new Error('0016: unexpected subscribers definition');
  const indexes = await sql<{ sql: string }>`select sql from sqlite_master
    where tbl_name = 'subscribers' and type in ('index', 'trigger') and sql is not null`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql.raw(rebuilt).execute(db);
    await sql`insert into subscribers_rebuilt select * from subscribers`.execute(db);
    await sql`drop table subscribers`.execute(db);
    await sql`alter table subscribers_rebuilt rename to subscribers`.execute(db);
    for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length) throw new Error(`foreign keys broken by 0016: ${JSON.stringify(broken.rows)}`);
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export class CodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/**
 * Brings the database schema to the latest version; throws with the failing migration's error. With a PostgreSQL
 * schema, the migration bookkeeping tables live in it too (Kysely otherwise finds another schema's tables).
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  const { error } = await new Migrator({
    db,
    provider: new CodeMigrations(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  }).migrateToLatest();
  if (error) throw error;
}
