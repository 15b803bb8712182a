import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificate, createTestEvChain, trustedCertificateEntry } from '@mbprov/core';
import type { Signer } from '../../src/activation/signer.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import type { Logger, PortalContext } from '../../src/context.ts';
import { TestPaymentProvider } from '../../src/payments/test-provider.ts';
import { startTestPaymentService } from '../../src/payments/test-service/service.ts';
import { loadSecrets } from '../../src/security/secrets.ts';
import { openStore, type Store, type StoreOptions } from '../../src/storage/database.ts';
import { seedPlans } from '../../src/storage/plans.ts';
import type { Database } from '../../src/storage/schema.ts';
import { addSims } from '../../src/storage/sims.ts';
import { countTestPayments } from '../../src/storage/test-payments.ts';

/** The PostgreSQL server of the machine (trust auth); tests isolate themselves in a fresh schema. */
export const POSTGRES_URL = process.env.MBPROV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The Redis server of the machine; tests keep apart from each other with a key prefix of their own. */
export const REDIS_URL = process.env.MBPROV_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The two storage engines every storage test runs on. */
export const DIALECTS = ['sqlite', 'postgres'] as const;

let signer: Promise<Signer & { rootPem: string }> | undefined;

/** A test signing chain, made once per test file. */
export function testSigner(): Promise<Signer & { rootPem: string }> {
  signer ??= createTestEvChain({ name: 'Portal Test' }).then((chain) => ({
    key: chain.signer.privateKey,
    certificate: chain.signer.certificate,
    chain: [],
    test: true,
    trusted: [trustedCertificateEntry(chain.signer.certificate)],
    testRootPem: chain.root.certificatePem,
    rootPem: chain.root.certificatePem,
  }));
  return signer;
}

let tls: Promise<{ key: string; cert: string }> | undefined;

/** A TLS certificate for localhost and 127.0.0.1, made once per test file: the test payment service serves with it. */
export function testTls(): Promise<{ key: string; cert: string }> {
  tls ??= createCertificate({
    subject: 'CN=localhost, O=mbprov portal tests',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
  }).then((made) => ({ key: made.privateKeyPem, cert: made.certificatePem }));
  return tls;
}

/** A logger that keeps what it was given, to check that no secret is logged. */
export function memoryLogger(): Logger & { lines: Array<{ level: string; obj: object; msg?: string }> } {
  const lines: Array<{ level: string; obj: object; msg?: string }> = [];
  const log = (level: string) => (obj: object, msg?: string) =>
    lines.push({ level, obj, ...(msg ? { msg } : {}) });
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

/** A portal context for tests: the test provider, a logger that remembers, a settable clock, cleanup. */
export type TestContext = PortalContext & {
  payments: TestPaymentProvider;
  log: ReturnType<typeof memoryLogger>;
  setNow(d: Date): void;
  rootPem: string;
  /** PEM to trust for the test payment service (its hosted pages: payOnTestPage). */
  tlsCa: string;
  /** Payments the test service captured (refunded ones included) and how many of them it refunded. */
  paymentCounts(): Promise<{ charges: number; refunds: number }>;
  /**
   * A new portal context on the same database, as a portal restarted after a crash has: new connections, a new
   * payment provider and logger, the same configuration, keys and clock. This one is closed (its database kept).
   */
  restart(): Promise<TestContext>;
  /**
   * Another store handle on the same database, as another process (the CLI, a second portal) has, optionally
   * reporting every statement it runs; close it.
   */
  openSibling(onStatement?: StoreOptions['onStatement']): Promise<Store>;
  /** Closes the database (and drops the PostgreSQL test schema). */
  close(): Promise<void>;
};

/** Where a test context keeps its data: the SQLite file's folder or the PostgreSQL schema, and its configuration. */
interface TestDatabase {
  dialect: (typeof DIALECTS)[number];
  dataDir: string;
  schema: string;
  config: Config;
  webhookUrl?: string;
  /** The test payment service's port, kept across restarts: the pages of open payments stay where they were. */
  paymentsPort?: number;
}

/** A fresh portal context on `dialect`: demo configuration, seeded plans and SIMs, a test provider and clock. */
export async function testContext(
  dialect: (typeof DIALECTS)[number],
  options: {
    configure?: (config: Config) => void;
    now?: Date;
    /** Where the test payment service posts its webhooks (a listening portal's /payments/webhook); none by default. */
    webhookUrl?: string;
  } = {},
): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mbprov-portal-'));
  const config = loadConfig({ env: { MBPROV_DATA_DIR: dataDir } });
  options.configure?.(config);
  const schema = `t_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const now = options.now ?? new Date('2026-11-21T10:00:00Z');
  const ctx = await contextOn(
    { dialect, dataDir, schema, config, ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}) },
    now,
  );
  await seedPlans(ctx.store.db, config.plans, now.toISOString());
  await addSims(ctx.store.db, config.sims, now.toISOString());
  return ctx;
}

async function contextOn(database: TestDatabase, start: Date): Promise<TestContext> {
  const { dialect, dataDir, schema, config } = database;
  const open = (onStatement?: StoreOptions['onStatement']) =>
    openStore({
      ...(dialect === 'postgres'
        ? { databaseUrl: POSTGRES_URL, schema, poolSize: 4 }
        : { sqliteFile: join(dataDir, 'test.sqlite') }),
      ...(onStatement ? { onStatement } : {}),
    });
  const store = await open();
  let now = start;
  const clock = () => now;
  const s = await testSigner();
  const secrets = loadSecrets(Buffer.alloc(32, 7).toString('base64'), join(dataDir, 'unused'));
  const log = memoryLogger();
  const keys = await testTls();
  const service = await startTestPaymentService({
    db: store.db,
    tls: keys,
    port: database.paymentsPort ?? 0,
    apiKey: secrets.testPaymentsApiKey,
    webhookSecret: secrets.testPaymentsWebhookSecret,
    ...(database.webhookUrl ? { webhookUrl: database.webhookUrl, webhookCa: keys.cert } : {}),
    clock,
    log,
  });
  database.paymentsPort = Number(new URL(service.url).port);
  const payments = new TestPaymentProvider({
    url: service.url,
    apiKey: secrets.testPaymentsApiKey,
    webhookSecret: secrets.testPaymentsWebhookSecret,
    ca: keys.cert,
    clock,
  });
  const closePayments = async () => {
    payments.close();
    await service.close();
  };
  return {
    config,
    store,
    secrets,
    signer: s,
    payments,
    tlsCa: keys.cert,
    paymentCounts: () => countTestPayments(store.db),
    clock,
    setNow: (d: Date) => {
      now = d;
    },
    log,
    rootPem: s.rootPem,
    openSibling: open,
    restart: async () => {
      await closePayments();
      await store.close();
      return contextOn(database, now);
    },
    close: async () => {
      await closePayments();
      await store.close();
      if (dialect === 'postgres') {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    },
  };
}

/** The number of rows in a table of the test database. */
export async function countRows(ctx: TestContext, table: keyof Database): Promise<number> {
  const row = await ctx.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
