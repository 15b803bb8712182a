// npm run bench -- scale --subscribers N: the portal on PostgreSQL with N subscribers. Loads them with COPY
// (scale-load.ts) into a schema of its own, then prints EXPLAIN (ANALYZE, BUFFERS) of every statement the hot paths
// and the periodic jobs run (captured from the storage layer as it ran them) and fails on a sequential scan of a big
// table, measures RefreshURL 304, RefreshURL 200 and usage updates over HTTPS (autocannon, 8 connections, each
// request for a random subscriber), and reports the disk the portal's tables take per subscriber. The schema is
// dropped at the end, also when the run fails or is interrupted.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createApiKey,
  loadConfig,
  loadSigner,
  type PortalContext,
  TestPaymentProvider,
} from '@mbprov/portal';
import {
  activeSubscriptionsPage,
  buildServer,
  demoConfig,
  expireSweep,
  JOB_PAGE_SIZE,
  loadSecrets,
  openStore,
  PRUNE_PAGE_SIZE,
  pruneDocumentsPage,
  type RanStatement,
} from '@mbprov/portal/testing';
import autocannon from 'autocannon';
import pg from 'pg';
import type { Row, SuiteResult } from './measure.ts';
import { httpsCall, purchase, spawnReady } from './portal-process.ts';
import { etagOf, iccidOf, subscriberOf, VERSIONS } from './scale-identity.ts';
import { loadSubscribers, type SampleDocuments } from './scale-load.ts';
import { explainGroups, type StatementGroup } from './scale-plans.ts';

/** Sample subscribers bought through the portal: their real documents are reused for the bulk ones. */
const SAMPLES = 4;
const sampleIccid = (k: number) => `89012690${String(k).padStart(11, '0')}`;
const sampleImsi = (k: number) => `3102609${String(k).padStart(8, '0')}`;
const say = (line: string) => process.stderr.write(`${line}\n`);

/** One autocannon measurement: answers per second and latency percentiles, with the status codes seen. */
interface Measured {
  rps: number;
  p50: number;
  p99: number;
  statuses: string;
}

async function measure(url: string, seconds: number, request: () => autocannon.Request): Promise<Measured> {
  const result = await autocannon({
    url,
    connections: 8,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, ...request() }) }],
  });
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .map(([code, s]) => `${code}×${s.count ?? 0}`)
    .join(' ');
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, statuses };
}

/**
 * Runs the scale benchmark with `subscribers` bulk subscribers (plus the few samples); `rebuildIndexes` builds the
 * keys and indexes after the load (scale-load.ts).
 */
export async function runScale(
  subscribers: number,
  options: { rebuildIndexes?: boolean } = {},
): Promise<SuiteResult> {
  const databaseUrl = process.env.MBPROV_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `scale_${process.pid}_${Date.now()}`;
  const dir = mkdtempSync(join(tmpdir(), 'mbprov-bench-scale-'));
  const secretKey = randomBytes(32).toString('base64');
  const secrets = loadSecrets(secretKey, '/nonexistent');
  const config = demoConfig() as Record<string, unknown>;
  config.sims = Array.from({ length: SAMPLES }, (_, k) => ({ iccid: sampleIccid(k), imsi: sampleImsi(k) }));
  config.rateLimits = {
    entryPerMinute: 1_000_000_000,
    checkoutPerMinute: 1_000_000,
    apiPerMinute: 1_000_000_000,
  };
  config.checkouts = { maxPerClient: 1_000_000 };
  config.dataDir = dir;
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  const env = {
    PORT: '0',
    DATABASE_URL: databaseUrl,
    MBPROV_DATABASE_SCHEMA: schema,
    MBPROV_SECRET_KEY: secretKey,
    MBPROV_TEST_PAYMENTS_PORT: '0',
  };
  const admin = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
  await admin.connect();
  const running: Array<{ stop(): Promise<void> }> = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () => {
    cleaned ??= (async () => {
      for (const p of running.splice(0)) await p.stop();
      await admin.query(
        `drop schema if exists ${schema} cascade; drop schema if exists ${schema}_jobs cascade`,
      );
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
      say(`scale: schema ${schema} dropped`);
    })();
    return cleaned;
  };
  const interrupted = () => {
    say('scale: interrupted, dropping the schema');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const agent = new Agent({ keepAlive: true, rejectUnauthorized: false });
  const ran: RanStatement[] = [];
  const store = await openStore({ databaseUrl, schema, poolSize: 4, onStatement: (s) => ran.push(s) });
  try {
    const now = Date.now();
    const { key } = await createApiKey(store.db, 'bench', ['admin'], new Date(now).toISOString());
    const bearer = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    // Real documents: sample subscribers buy a plan through the portal, report usage and refresh.
    say(`scale: signing sample documents (${SAMPLES} subscribers) through the portal`);
    const sampler = await spawnReady(new URL('./scale-portal-server.ts', import.meta.url), [file], env);
    running.push(sampler);
    const base = sampler.fields[0] as string;
    for (let k = 0; k < SAMPLES; k++) {
      const bought = (await purchase(agent, base, sampleIccid(k))).answer;
      if (bought.status !== 303) throw new Error(`sample purchase answered ${bought.status}`);
      // After the purchase (a report older than the plan is stale), within usageReports.maxFutureSeconds.
      const at = new Date(Date.now() + 1000 * (k + 1)).toISOString();
      const usage = await httpsCall(
        agent,
        `${base}/api/v1/usage`,
        'POST',
        bearer,
        JSON.stringify({ updates: [{ iccid: sampleIccid(k), usageMegabytes: 100 * (k + 1), at }] }),
      );
      if (usage.status !== 200) throw new Error(`sample usage answered ${usage.status}: ${usage.body}`);
      const { rows } = await admin.query<{ id: string; refresh_user: string }>(
        'select id, refresh_user from subscribers where iccid = $1',
        [sampleIccid(k)],
      );
      const s = rows[0];
      if (!s) throw new Error(`no subscriber for sample ${k}`);
      const basic = Buffer.from(`${s.refresh_user}:${secrets.refreshPassword(s.id, 1)}`).toString('base64');
      const refreshed = await httpsCall(agent, `${base}/refresh/${s.id}`, 'GET', {
        authorization: `Basic ${basic}`,
      });
      if (refreshed.status !== 200) throw new Error(`sample refresh answered ${refreshed.status}`);
    }
    await sampler.stop();
    running.splice(running.indexOf(sampler), 1);
    const stored = await admin.query<{ kind: 'full' | 'usage'; sealed: Buffer }>(
      'select kind, sealed from documents order by subscriber_id, version',
    );
    const samples: SampleDocuments = { full: [], usage: [] };
    for (const d of stored.rows) samples[d.kind].push(d.sealed);
    const average = (xs: Buffer[]) => Math.round(xs.reduce((n, x) => n + x.length, 0) / xs.length);
    say(
      `scale: sample documents stored: full ${average(samples.full)} bytes, usage ${average(samples.usage)} (format ${stored.rows[0]?.sealed[0]})`,
    );

    // The bulk load.
    const loadStart = performance.now();
    await loadSubscribers(
      databaseUrl,
      schema,
      subscribers,
      samples,
      (id) => secrets.refreshPassword(id, 1),
      now,
      say,
      options.rebuildIndexes,
    );
    const loadSeconds = (performance.now() - loadStart) / 1000;
    say(`scale: loaded in ${loadSeconds.toFixed(0)} s; VACUUM (ANALYZE)`);
    const vacuumStart = performance.now();
    for (const table of ['sims', 'subscribers', 'checkouts', 'subscriptions', 'documents', 'plans'])
      await admin.query(`vacuum (analyze) ${table}`);
    const vacuumSeconds = (performance.now() - vacuumStart) / 1000;
    say(`scale: vacuumed and analyzed in ${vacuumSeconds.toFixed(0)} s`);

    // The statements the hot paths and the jobs run, captured from the storage layer, then explained.
    const signer = await loadSigner(loadConfig({ file, env }), env);
    const ctx: PortalContext = {
      config: loadConfig({ file, env }),
      store,
      secrets,
      signer,
      // Never called: no statement captured here pays (the sample purchases ran through the portal process).
      payments: new TestPaymentProvider({
        url: 'https://127.0.0.1:1',
        apiKey: secrets.testPaymentsApiKey,
        webhookSecret: secrets.testPaymentsWebhookSecret,
      }),
      clock: () => new Date(),
      log: { info: () => {}, warn: () => {}, error: () => {} },
    };
    const app = await buildServer(ctx, { logger: false });
    const pick = () => Math.floor(Math.random() * subscribers);
    const basicOf = (i: number) => {
      const { id, refreshUser } = subscriberOf(i);
      return `Basic ${Buffer.from(`${refreshUser}:${secrets.refreshPassword(id, 1)}`).toString('base64')}`;
    };
    const groups: StatementGroup[] = [];
    const capture = async (name: string, work: () => Promise<unknown>) => {
      ran.length = 0;
      await work();
      groups.push({ name, statements: ran.splice(0) });
    };
    const refresh = async (i: number, etag?: string) =>
      app.inject({
        method: 'GET',
        url: `/refresh/${subscriberOf(i).id}`,
        headers: { authorization: basicOf(i), ...(etag ? { 'if-none-match': etag } : {}) },
      });
    const expectStatus = async (status: number, answer: Promise<{ statusCode: number; body: string }>) => {
      const a = await answer;
      if (a.statusCode !== status)
        throw new Error(`expected ${status}, got ${a.statusCode}: ${a.body.slice(0, 200)}`);
    };
    const usageBody = (i: number, at: number) =>
      JSON.stringify({
        updates: [{ iccid: iccidOf(i), usageMegabytes: 4321, at: new Date(at).toISOString() }],
      });
    const seen = pick();
    await capture('RefreshURL 304', () =>
      expectStatus(304, refresh(seen, etagOf(subscriberOf(seen).id, VERSIONS))),
    );
    await capture('RefreshURL 200', () => expectStatus(200, refresh(pick())));
    const used = pick();
    const usage = (at: number) =>
      expectStatus(
        200,
        app.inject({ method: 'POST', url: '/api/v1/usage', headers: bearer, payload: usageBody(used, at) }),
      );
    await capture('usage update (first call of a key: reads the key row)', () => usage(Date.now() - 120_000));
    await capture('usage update', () => usage(Date.now() - 60_000));
    await capture('RefreshURL after a usage change (signs and stores a usage document)', () =>
      expectStatus(200, refresh(used)),
    );
    await capture('expiry sweep (every minute)', () => expireSweep(ctx));
    const middle = subscriberOf(pick()).id;
    await capture(`prune batch (${PRUNE_PAGE_SIZE} subscribers, hourly)`, () =>
      pruneDocumentsPage(store.db, middle, {
        pageSize: PRUNE_PAGE_SIZE,
        keep: ctx.config.documents.keepVersions,
      }),
    );
    await capture(`document regeneration page (${JOB_PAGE_SIZE} active plans)`, () =>
      activeSubscriptionsPage(store.db, middle, JOB_PAGE_SIZE),
    );
    await app.close();
    const explained = await explainGroups(admin, groups);
    process.stdout.write(`${explained.text}\n`);
    if (explained.seqScans.length)
      throw new Error(`sequential scans of big tables:\n  ${explained.seqScans.join('\n  ')}`);
    say('scale: no sequential scan of a big table in any plan');

    // The load, against the portal in its own process.
    const portal = await spawnReady(new URL('./scale-portal-server.ts', import.meta.url), [file], env);
    running.push(portal);
    const url = portal.fields[0] as string;
    const refreshRequest = (withEtag: boolean) => () => {
      const i = pick();
      const { id } = subscriberOf(i);
      return {
        method: 'GET' as const,
        path: `/refresh/${id}`,
        headers: {
          authorization: basicOf(i),
          ...(withEtag ? { 'if-none-match': etagOf(id, VERSIONS) } : {}),
        },
      };
    };
    let usageAt = Date.now() - 3_600_000;
    const usageRequest = () => {
      usageAt += 1;
      return {
        method: 'POST' as const,
        path: '/api/v1/usage',
        headers: bearer,
        body: usageBody(pick(), usageAt),
      };
    };
    const seconds = 10;
    const runs: Record<string, Measured> = {};
    // The machine is shared: its one-minute load average after each measurement goes with the figures.
    const loads: number[] = [];
    for (const [name, request] of [
      ['RefreshURL 304', refreshRequest(true)],
      ['RefreshURL 200', refreshRequest(false)],
      ['usage update', usageRequest],
    ] as const) {
      say(
        `scale: ${name}: warming up 3 s, measuring ${seconds} s (load average ${loadavg()[0]?.toFixed(1)})`,
      );
      await measure(url, 3, request);
      runs[name] = await measure(url, seconds, request);
      say(`  ${JSON.stringify(runs[name])}`);
      loads.push(loadavg()[0] ?? 0);
    }
    await portal.stop();
    running.splice(running.indexOf(portal), 1);

    // Disk: every relation of the schema (tables, their indexes and TOAST).
    const sizes = await admin.query<{ name: string; bytes: string }>(
      `select c.relname as name, pg_total_relation_size(c.oid) as bytes from pg_class c
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r' order by 2 desc`,
      [schema],
    );
    const total = sizes.rows.reduce((n, r) => n + Number(r.bytes), 0);
    const perSubscriber = total / subscribers;
    const breakdown = sizes.rows
      .filter((r) => Number(r.bytes) > 1e6)
      .map((r) => `${r.name} ${(Number(r.bytes) / subscribers).toFixed(0)} B`)
      .join(', ');
    say(
      `scale: ${(total / 1e9).toFixed(2)} GB, ${perSubscriber.toFixed(0)} bytes per subscriber (${breakdown})`,
    );
    // Where each table's bytes are: heap (with TOAST) and every index, per subscriber.
    const parts = await admin.query<{ name: string; bytes: string }>(
      `select c.relname as name, pg_table_size(c.oid) as bytes from pg_class c
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = 'r'
       union all
       select i.relname, pg_relation_size(i.oid) from pg_index x join pg_class i on i.oid = x.indexrelid
         join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace where n.nspname = $1
       order by 2 desc`,
      [schema],
    );
    const detail = parts.rows
      .filter((r) => Number(r.bytes) / subscribers >= 1)
      .map((r) => `${r.name} ${(Number(r.bytes) / subscribers).toFixed(0)} B`)
      .join(', ');
    say(`scale: per subscriber, heaps and indexes: ${detail}`);

    const rows: Row[] = [];
    const notes: string[] = [];
    for (const [name, m] of Object.entries(runs)) {
      rows.push({ name: `${name} (p50 ${m.p50} ms, p99 ${m.p99} ms)`, value: m.rps, unit: 'answers/s' });
      notes.push(`${name}: status codes ${m.statuses}.`);
    }
    rows.push({
      name: 'bytes per subscriber (all tables, indexes, TOAST)',
      value: perSubscriber,
      unit: 'bytes',
    });
    notes.push(
      `One-minute load average after each measurement (2 cores): ${loads.map((l) => l.toFixed(1)).join(', ')}.`,
      `${subscribers.toLocaleString('en-US')} subscribers loaded in ${loadSeconds.toFixed(0)} s${options.rebuildIndexes ? ' (keys and indexes built after the load: packed, smaller than grown ones)' : ''}, VACUUM (ANALYZE) ${vacuumSeconds.toFixed(0)} s; ` +
        `${(total / 1e9).toFixed(2)} GB on disk (${breakdown}).`,
      `Statement execution times (EXPLAIN ANALYZE, ms): ${Object.entries(explained.times)
        .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
        .join('; ')}.`,
    );
    return {
      title: `Scale: PostgreSQL with ${subscribers.toLocaleString('en-US')} subscribers`,
      description:
        'npm run bench -- scale --subscribers N: N subscribers loaded with COPY (SIM, subscriber, an active plan and for every second one an expired one before it, their checkouts, the two newest of three document versions of real signed, compressed and encrypted documents, as pruning with the default documents.keepVersions leaves them), VACUUM (ANALYZE), then autocannon with 8 connections over HTTPS on loopback against the portal in its own process, each request for a random subscriber.',
      rows,
      notes,
    };
  } finally {
    agent.destroy();
    await store.close();
    await cleanup();
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
}
