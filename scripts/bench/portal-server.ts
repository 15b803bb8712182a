// The portal process of the portal, back-office and rate-limit benchmarks: a fresh data folder, the demo configuration
// plus `simCount` generated SIMs, generous rate limits (counted where MBPROV_BENCH_RATE_COUNTER says), an admin API
// key, and (the back-office baselines) a bare Fastify HTTPS route in the same process with the same TLS certificate,
// and the same-work server (same-work-server.ts). Writes "ready <portal url> <api key> <bare url> <same-work url>" to
// file descriptor 3.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey, startPortal } from '@mbprov/portal';
import { demoConfig, openRateCounter, openStoredDocument } from '@mbprov/portal/testing';
import Fastify from 'fastify';
import pg from 'pg';
import { startSameWorkServer } from './same-work-server.ts';

const simCount = Number(process.argv[2] ?? 2000);
const databaseUrl = process.argv[3];
const dir = mkdtempSync(join(tmpdir(), 'mbprov-bench-portal-'));
const config = demoConfig() as Record<string, unknown> & {
  sims: unknown[];
  rateLimits: Record<string, unknown>;
};
config.sims = Array.from({ length: simCount }, (_, i) => ({
  iccid: `89012690${String(i).padStart(11, '0')}`,
  imsi: `3102609${String(i).padStart(8, '0')}`,
}));
config.rateLimits = { entryPerMinute: 1_000_000, checkoutPerMinute: 1_000_000, apiPerMinute: 1_000_000 };
// Where the rate limits count (MBPROV_BENCH_RATE_COUNTER, for the rate-limits suite): the default (PostgreSQL on
// PostgreSQL), this process's memory, or Redis.
const counter = process.env.MBPROV_BENCH_RATE_COUNTER;
if (counter === 'memory') Object.assign(config.rateLimits, { shared: false });
if (counter === 'redis')
  Object.assign(config.rateLimits, {
    redisUrl: process.env.MBPROV_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisKeyPrefix: `mbprov-bench:${process.pid}:`,
  });
// The load client is one address buying for thousands of SIMs.
config.checkouts = { maxPerClient: 1_000_000 };
config.dataDir = dir;
const file = join(dir, 'config.json');
writeFileSync(file, JSON.stringify(config));
// A schema of its own: the benchmark never meets the data of earlier runs; it is dropped at the end.
const schema = `bench_${process.pid}_${Date.now()}`;
const env = {
  PORT: '0',
  // The test payment service on a free port of its own.
  MBPROV_TEST_PAYMENTS_PORT: '0',
  ...(process.env.MBPROV_SECRET_KEY ? { MBPROV_SECRET_KEY: process.env.MBPROV_SECRET_KEY } : {}),
  ...(databaseUrl ? { DATABASE_URL: databaseUrl, MBPROV_DATABASE_SCHEMA: schema } : {}),
};
// The production logger (pino at info, a line per request) writes to stdout, which the parent points at /dev/null.
const portal = await startPortal({ file, env });
const { key } = await createApiKey(portal.ctx.store.db, 'bench', ['admin'], new Date().toISOString());
const bare = Fastify({
  https: {
    key: readFileSync(join(dir, 'tls', 'localhost.key.pem')),
    cert: readFileSync(join(dir, 'tls', 'localhost.crt.pem')),
  },
});
bare.get('/bare', async () => ({ ok: true }));
const bareUrl = (await bare.listen({ host: '127.0.0.1', port: 0 })).replace(/^http:/, 'https:');
const sameWorkLimits = await openRateCounter(portal.ctx, portal.app.log);
const sameWork = await startSameWorkServer({
  tls: {
    key: readFileSync(join(dir, 'tls', 'localhost.key.pem')),
    cert: readFileSync(join(dir, 'tls', 'localhost.crt.pem')),
  },
  database: databaseUrl ? { url: databaseUrl, schema } : { sqliteFile: join(dir, 'mbprov.sqlite') },
  open: (stored) => openStoredDocument(portal.ctx, stored),
  apiKey: key,
  // A counter of its own, of the portal's kind on the same store (PostgreSQL's shared table on PostgreSQL), unless
  // MBPROV_BENCH_SAME_WORK_LIMITS=off asks for the baseline without rate limits.
  ...(process.env.MBPROV_BENCH_SAME_WORK_LIMITS === 'off' ? {} : { limits: sameWorkLimits }),
  perMinute: {
    refresh: portal.ctx.config.rateLimits.entryPerMinute,
    api: portal.ctx.config.rateLimits.apiPerMinute,
    apiAuthFailures: portal.ctx.config.rateLimits.apiAuthFailuresPerMinute,
  },
  usageWindow: portal.ctx.config.usageReports,
});
// The parent reads the ready line on file descriptor 3.
writeSync(3, `ready ${portal.url} ${key} ${bareUrl} ${sameWork.url}\n`);
process.on('SIGTERM', async () => {
  await bare.close();
  await sameWork.close();
  await sameWorkLimits.close();
  await portal.close();
  if (databaseUrl) {
    // The portal's tables and its job queue's (pg-boss) schema.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(
      `DROP SCHEMA IF EXISTS ${schema} CASCADE; DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`,
    );
    await client.end();
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
