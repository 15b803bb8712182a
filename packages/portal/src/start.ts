import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { checkSigner, loadSigner } from './activation/signer.ts';
import { createApiKey, SCOPES } from './backoffice/api-keys.ts';
import { type ConfigSource, isDemo, loadConfig } from './config/load.ts';
import type { PortalContext } from './context.ts';
import { demoLinks, seedDemoHistory } from './demo.ts';
import { openEsim } from './esim/open.ts';
import type { TestSmdp } from './esim/test-smdp.ts';
import { LocalQueue } from './jobs/local-queue.ts';
import { PgBossQueue } from './jobs/pg-boss-queue.ts';
import type { JobQueue } from './jobs/queue.ts';
import { startJobs } from './jobs/tasks.ts';
import { openSmtpMailer } from './mail/smtp-mailer.ts';
import { createMetrics } from './metrics.ts';
import { openPayments } from './payments/open.ts';
import { configuredSecrets, secretKeyFile } from './security/secrets.ts';
import { loadTls } from './security/tls.ts';
import { buildServer } from './server.ts';
import { configuredStore, openStore } from './storage/database.ts';
import { seedPlans } from './storage/plans.ts';
import { addSims } from './storage/sims.ts';

/** A running portal. */
export interface RunningPortal {
  app: FastifyInstance;
  ctx: PortalContext;
  /** The https URL it listens on. */
  url: string;
  /** The TLS certificate (PEM) clients must trust when it is the generated development one. */
  tlsCertificate: string;
  /** Demo links of each scenario (embedded demo only). */
  demo: Array<{ scenario: string; url: string }>;
  /** The built-in test SM-DP+, when `esim.testSmdp` runs one (tests and the demo play the device with it). */
  testSmdp?: TestSmdp;
  /** Stops accepting connections, waits for the requests in flight, stops the job queue, closes the database. */
  close(): Promise<void>;
}

/**
 * Starts the portal from its configuration: opens (and migrates) the database, loads or creates the keys, loads the
 * catalog and SIM inventory, seeds the demo, and listens over HTTPS.
 */
export async function startPortal(
  source: ConfigSource & { logger?: boolean },
  print: (line: string) => void = () => {},
): Promise<RunningPortal> {
  const config = loadConfig(source);
  const secrets = configuredSecrets(config);
  // Before the database opens: a missing SMTP credential variable stops the start, like a missing passphrase.
  const mailer = config.smtp ? await openSmtpMailer(config.smtp, source.env ?? process.env) : undefined;
  const store = await openStore(configuredStore(config));
  const [signer, tls] = await Promise.all([loadSigner(config, source.env), loadTls(config)]);
  const signerWarnings = checkSigner(signer, new Date(), config.operator.carrierId, {
    requireEv: config.signing.requireEv,
  });
  const now = new Date().toISOString();
  await seedPlans(store.db, config.plans, now);
  await addSims(store.db, config.sims, now);
  // The payment provider logs through the portal's logger, which exists once the server is built.
  const log: PortalContext['log'] = {
    info: (obj, msg) => ctx.log.info(obj, msg),
    warn: (obj, msg) => ctx.log.warn(obj, msg),
    error: (obj, msg) => ctx.log.error(obj, msg),
  };
  const payments = await openPayments({
    config,
    secrets,
    db: store.db,
    tls: { key: tls.key, cert: tls.cert },
    ...(tls.development ? { ca: tls.cert } : {}),
    env: source.env ?? process.env,
    log,
  });
  const ctx: PortalContext = {
    config,
    store,
    secrets,
    signer,
    payments: payments.provider,
    clock: () => new Date(),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    ...(mailer ? { mailer } : {}),
  };
  const esim = await openEsim({ config, ctx, store, ...(tls.development ? { portalCa: tls.cert } : {}) });
  if (esim) ctx.esim = esim.orders;
  const queue: JobQueue = config.databaseUrl
    ? await PgBossQueue.start(
        config.databaseUrl,
        config.databaseSchema ? `${config.databaseSchema}_jobs` : 'pgboss',
      )
    : new LocalQueue(store.db, ctx.clock);
  ctx.queue = queue;
  ctx.metrics = createMetrics(() => queue.depth(), new Date(signer.certificate.validTo));
  const app = await buildServer(ctx, {
    https: { key: tls.key, cert: tls.cert },
    ...(source.logger === false ? { logger: false } : {}),
  });
  ctx.log = app.log;
  for (const warning of signerWarnings) app.log.warn(warning);
  await startJobs(ctx, queue);
  const demo = isDemo(source) ? demoLinks(config.server.publicUrl) : [];
  let demoKey: string | undefined;
  if (demo.length) {
    await seedDemoHistory(ctx);
    // A back-office key for the demo, created once and kept beside the database (development only).
    const keyFile = join(config.dataDir, 'demo-api-key.txt');
    if (!existsSync(keyFile)) {
      const { key } = await createApiKey(store.db, 'demo-admin', [...SCOPES], now);
      writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    }
    demoKey = keyFile;
  }
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  const url = address.replace(/^http:/, 'https:');
  print(`mbprov portal listening on ${url} (${store.description})`);
  if (tls.development)
    print(`  TLS: development certificate ${tls.certFile} (your browser will warn; trust it for testing)`);
  if (signer.test)
    print(
      `  Signing: TEST EV chain in ${join(config.dataDir, 'signing')} (test root: ${config.server.publicUrl}/test-root.crt)`,
    );
  for (const warning of signerWarnings) print(`  Signing: warning: ${warning}`);
  if (secrets.generated)
    print(`  Secrets: development key ${secretKeyFile(config.dataDir)}; set MBPROV_SECRET_KEY in production`);
  if (payments.testServiceUrl)
    print(`  Payments: built-in TEST payment service on ${payments.testServiceUrl} (no real money)`);
  if (esim?.testSmdp)
    print(`  eSIM: built-in TEST SM-DP+ on ${esim.testSmdp.url} (delivers no profile to a real device)`);
  if (demo.length) {
    print('  Demo scenarios (open in a browser):');
    for (const d of demo) print(`    ${d.scenario.padEnd(20)} ${d.url}`);
    print(
      '  Test cards (on the payment page): 4242 4242 4242 4242 (accepted), 4000 0000 0000 0002 (declined); any future expiry, any CVC.',
    );
    if (demoKey) print(`  Back-office API key (all scopes, demo only): ${demoKey}`);
  }
  return {
    app,
    ctx,
    url,
    tlsCertificate: tls.cert,
    demo,
    ...(esim?.testSmdp ? { testSmdp: esim.testSmdp } : {}),
    close: async () => {
      // Requests first (a checkout finishing may enqueue a job), then the queue's running job, then the database.
      await app.close();
      await queue.stop();
      await payments.close();
      await esim?.close();
      mailer?.close();
      await store.close();
    },
  };
}
