import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

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
};

class CodeMigrations implements MigrationProvider {
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
