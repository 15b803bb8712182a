// Several `mbprov serve` processes on one PostgreSQL schema, as behind a load balancer: started at the same moment on
// a fresh schema they migrate it once; a client alternating between two of them gets 429 after exactly the configured
// maximum in total (pages, RefreshURL, checkout, API key, failed API logins), counted in PostgreSQL or in Redis; a
// load alternating between them (activations, RefreshURL, usage updates) gets no error; and the expiry sweep run by
// both at once (as pg-boss may when one run outlasts its minute) ends each checkout and plan once; pg-boss queues
// created by two processes at once start.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import { type Answer, httpsCall } from '../../../scripts/bench/portal-process.ts';
import { payOnTestPage } from '../../cli/src/demo/test-payment-page.ts';
import { startCheckout } from '../src/activation/checkout.ts';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { createApiKey } from '../src/backoffice/api-keys.ts';
import { demoSims } from '../src/config/demo.ts';
import { PgBossQueue } from '../src/jobs/pg-boss-queue.ts';
import { runExpirySweep } from '../src/jobs/tasks.ts';
import { TestPaymentProvider } from '../src/payments/test-provider.ts';
import { loadSecrets } from '../src/security/secrets.ts';
import { openStore, type Store } from '../src/storage/database.ts';
import { addSims, findSim } from '../src/storage/sims.ts';
import { subscriberByIccid } from '../src/storage/subscribers.ts';
import { CHECKOUT_FIELDS } from '../src/views/render.ts';
import { POSTGRES_URL, REDIS_URL, testContext } from './helpers/context.ts';
import { field } from './helpers/http.ts';
import { buyPlan, checkoutForm, payStarted } from './helpers/purchase.ts';
import { type ServeProcess, startServe } from './helpers/serve-process.ts';

const guard = { timeout: 300_000 };
const ICCID = (demoSims[0] as (typeof demoSims)[number]).iccid;
const MINUTE = 60_000;

/** Two portal processes on one fresh PostgreSQL schema, with one secret key, and a store handle of the test's own. */
interface Pair {
  processes: ServeProcess[];
  schema: string;
  secretKey: string;
  store: Store;
  stop(): Promise<void>;
}

/** Starts two `mbprov serve` at the same moment on a fresh schema; `rateLimits` and SIMs as given. */
async function startPair(
  rateLimits: Record<string, unknown>,
  extra: (config: Record<string, unknown>) => void = () => {},
): Promise<Pair> {
  const schema = `t_multi_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const secretKey = randomBytes(32).toString('base64');
  const started = await Promise.allSettled(
    [0, 1].map(() =>
      startServe({
        graceSeconds: 10,
        paymentDelayMs: 0,
        postgres: { url: POSTGRES_URL, schema },
        configure: (config) => {
          config.secretKey = secretKey;
          config.rateLimits = rateLimits;
          extra(config);
        },
      }),
    ),
  );
  const processes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    for (const p of processes) await p.cleanup();
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.query(`drop schema if exists ${schema}_jobs cascade`);
    await client.end();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  const store = await openStore({ databaseUrl: POSTGRES_URL, schema, poolSize: 2 });
  return {
    processes,
    schema,
    secretKey,
    store,
    stop: async () => {
      await store.close();
      await stop();
    },
  };
}

let addresses = 0;
/** A loopback address no other client of this file used: a client of its own for the rate limits. */
const newAddress = () => {
  addresses++;
  return `127.${(process.pid % 200) + 20}.${Math.floor(addresses / 250)}.${(addresses % 250) + 1}`;
};

/**
 * A client of both processes from one address, with one cookie jar (a browser behind a load balancer): each call
 * names the process it goes to. TLS is checked against each process's development certificate.
 */
class Client {
  private readonly agents: Agent[];
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly processes: ServeProcess[],
    localAddress = newAddress(),
  ) {
    this.agents = processes.map(
      (p) =>
        new Agent({
          keepAlive: true,
          localAddress,
          ca: readFileSync(join(p.dataDir, 'tls', 'localhost.crt.pem'), 'utf8'),
        }),
    );
  }

  async call(
    to: number,
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<Answer> {
    const process = this.processes[to % this.processes.length] as ServeProcess;
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const answer = await httpsCall(
      this.agents[to % this.agents.length] as Agent,
      `https://127.0.0.1:${process.port}${path}`,
      method,
      { ...headers, ...(cookie ? { cookie } : {}) },
      body,
    );
    for (const line of [answer.headers['set-cookie'] ?? []].flat()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return answer;
  }

  close(): void {
    for (const agent of this.agents) agent.destroy();
  }
}

/**
 * Runs `round` inside one one-minute window of the clock (the limits' windows are aligned to it): waits for the next
 * minute when less than 20 s are left, and runs it again once, with fresh clients, if it crossed into the next minute
 * all the same (a very slow machine).
 */
async function inOneWindow(round: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const left = MINUTE - (Date.now() % MINUTE);
    if (left < 20_000) await sleep(left + 50);
    const window = Math.floor(Date.now() / MINUTE);
    try {
      await round();
      return;
    } catch (error) {
      if (attempt > 0 || Math.floor(Date.now() / MINUTE) === window) throw error;
    }
  }
}

/** The statuses of `n` calls alternating between the processes, one after the other. */
async function alternating(n: number, call: (to: number) => Promise<Answer>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await call(i)).status);
  return statuses;
}

const times = (n: number, status: number) => Array.from({ length: n }, () => status);

/** The rows of the shared rate limit table. */
const rateLimitRows = async (store: Store) =>
  Number(
    (
      await store.db
        .selectFrom('rate_limits')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  );

/** A client's limits, alternating between two processes: pages, RefreshURL, checkout, then the API's. */
async function limitsHoldAcross(
  pair: Pair,
  limits: { entry: number; checkout: number; api: number; failures: number },
) {
  await inOneWindow(async () => {
    const client = new Client(pair.processes);
    try {
      assert.deepEqual(
        await alternating(limits.entry + 2, (to) => client.call(to, 'GET', '/')),
        [...times(limits.entry, 200), 429, 429],
        'entry page',
      );
      assert.deepEqual(
        await alternating(limits.entry + 2, (to) => client.call(to, 'GET', '/refresh/nobody')),
        [...times(limits.entry, 401), 429, 429],
        'RefreshURL (its own count)',
      );
      assert.deepEqual(
        await alternating(limits.checkout + 2, (to) =>
          client.call(
            to,
            'POST',
            '/checkout',
            { 'content-type': 'application/x-www-form-urlencoded' },
            'a=b',
          ),
        ),
        [...times(limits.checkout, 403), 429, 429],
        'checkout (no CSRF token: 403 until the limit)',
      );
    } finally {
      client.close();
    }
  });
  await inOneWindow(async () => {
    const { key } = await createApiKey(pair.store.db, 'gateway', ['policy:read'], new Date().toISOString());
    const client = new Client(pair.processes);
    const policy = (to: number, bearer = key) =>
      client.call(to, 'GET', `/api/v1/policy?iccid=${ICCID}`, { authorization: `Bearer ${bearer}` });
    try {
      const answers: Answer[] = [];
      for (let i = 0; i < limits.api + 2; i++) answers.push(await policy(i));
      assert.deepEqual(
        answers.map((r) => r.status),
        [...times(limits.api, 200), 429, 429],
        'an API key',
      );
      assert.equal(JSON.parse((answers.at(-1) as Answer).body).code, 'MBPROV_RATE_LIMITED');
      assert.ok(Number((answers.at(-1) as Answer).headers['retry-after']) >= 1);
    } finally {
      client.close();
    }
  });
  await inOneWindow(async () => {
    const { key } = await createApiKey(pair.store.db, 'billing', ['policy:read'], new Date().toISOString());
    const client = new Client(pair.processes);
    const forged = 'mbp_00000000000000aa_forgedforgedforged';
    const policy = (to: number, bearer: string) =>
      client.call(to, 'GET', `/api/v1/policy?iccid=${ICCID}`, { authorization: `Bearer ${bearer}` });
    try {
      assert.deepEqual(
        await alternating(limits.failures, (to) => policy(to, forged)),
        times(limits.failures, 401),
      );
      assert.deepEqual(
        await alternating(2, (to) => policy(to, key)),
        [429, 429],
        'failed logins: the address is refused on both, a good key included',
      );
    } finally {
      client.close();
    }
  });
}

const LIMITS = { entry: 5, checkout: 3, api: 4, failures: 3 };
const RATE_LIMITS = {
  entryPerMinute: LIMITS.entry,
  checkoutPerMinute: LIMITS.checkout,
  apiPerMinute: LIMITS.api,
  apiAuthFailuresPerMinute: LIMITS.failures,
};

describe('two portal processes on one PostgreSQL schema', () => {
  describe('rate limits counted in PostgreSQL', () => {
    let pair: Pair;
    before(async () => {
      pair = await startPair(RATE_LIMITS);
    }, guard);
    after(() => pair?.stop());

    it(
      'both started at the same moment on a fresh schema: each migration ran once, both serve',
      guard,
      async () => {
        const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          pair.store.db,
        );
        const names = rows.map((r) => r.name);
        assert.deepEqual(names, [...new Set(names)], 'no migration recorded twice');
        assert.ok(names.includes('0010_rate_limits'));
        const client = new Client(pair.processes);
        try {
          assert.deepEqual(await alternating(2, (to) => client.call(to, 'GET', '/healthz')), [200, 200]);
        } finally {
          client.close();
        }
        // Both registered the periodic sweep: pg-boss keeps one schedule, so each minute's run is one job.
        const schedules = await sql<{ n: string }>`
        select count(*) as n from ${sql.table(`${pair.schema}_jobs.schedule`)} where name = 'expire-sweep'`.execute(
          pair.store.db,
        );
        assert.equal(Number(schedules.rows[0]?.n), 1);
      },
    );

    it(
      'a client alternating between them gets 429 after exactly the configured maximum in total',
      guard,
      async () => {
        await limitsHoldAcross(pair, LIMITS);
        assert.ok((await rateLimitRows(pair.store)) > 0, 'counted in PostgreSQL');
        for (const p of pair.processes)
          assert.doesNotMatch(p.output(), /rate limits: the shared store does not answer/);
      },
    );
  });

  describe('rate limits counted in Redis (rateLimits.redisUrl)', () => {
    const prefix = `mbprov-test:${process.pid}:${Date.now()}:`;
    let pair: Pair;
    let redis: Redis;
    before(async () => {
      pair = await startPair({ ...RATE_LIMITS, redisUrl: REDIS_URL, redisKeyPrefix: prefix });
      redis = new Redis(REDIS_URL);
    }, guard);
    after(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await pair?.stop();
    });

    it(
      'a client alternating between them gets 429 after exactly the configured maximum in total',
      guard,
      async () => {
        await limitsHoldAcross(pair, LIMITS);
        assert.ok((await redis.keys(`${prefix}*`)).length > 0, 'counted in Redis');
        assert.equal(await rateLimitRows(pair.store), 0, 'not in PostgreSQL');
        for (const p of pair.processes) assert.match(p.output(), /mbprov portal listening on/);
      },
    );
  });
});

describe('starting on a fresh schema at the same moment', () => {
  it(
    'four store handles opening one new schema at once run each migration once (Kysely locks them)',
    guard,
    async () => {
      const schema = `t_migrate_${process.pid}_${Date.now()}`;
      const opened = await Promise.allSettled(
        Array.from({ length: 4 }, () => openStore({ databaseUrl: POSTGRES_URL, schema, poolSize: 1 })),
      );
      const stores = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
      try {
        for (const o of opened) if (o.status === 'rejected') throw o.reason;
        const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(
          (stores[0] as Store).db,
        );
        const names = rows.map((r) => r.name);
        assert.equal(names.length, new Set(names).size, 'no migration recorded twice');
        assert.ok(names.includes('0010_rate_limits'));
      } finally {
        for (const store of stores) await store.close();
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    },
  );
});

describe('job queues created by two processes at once', () => {
  it(
    'pg-boss queues made at the same moment by two processes (each its own first) both start',
    guard,
    async () => {
      // pg-boss creates a queue without a lock between processes; two creating two queues at once can deadlock in
      // PostgreSQL, and the queue retries (pg-boss-queue.ts). A few schemas at once make the race likely.
      const schemas = [0, 1, 2].map((i) => `t_boss_${process.pid}_${Date.now()}_${i}`);
      const started = await Promise.allSettled(
        schemas.flatMap((schema) => [0, 1].map(() => PgBossQueue.start(POSTGRES_URL, schema))),
      );
      const queues = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        for (const s of started) if (s.status === 'rejected') throw s.reason;
        const names = ['expire-sweep', 'regenerate-documents'] as const;
        const settled = await Promise.allSettled(
          queues.map(async (queue, i) => {
            for (const name of i % 2 ? [...names].reverse() : names) await queue.work(name, async () => {});
          }),
        );
        assert.deepEqual(
          settled
            .filter((s) => s.status === 'rejected')
            .map((s) => String((s as PromiseRejectedResult).reason)),
          [],
        );
      } finally {
        for (const queue of queues) await queue.stop();
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    },
  );
});

describe('the expiry sweep run by two processes at once', () => {
  it(
    'each plan past its end and each unfinished checkout ends once; each charge is refunded once',
    guard,
    async () => {
      const ctx = await testContext('postgres');
      const sibling = await ctx.openSibling();
      try {
        const sims = Array.from({ length: 6 }, (_, i) => ({
          iccid: `89012691${String(i).padStart(11, '0')}`,
        }));
        await addSims(ctx.store.db, sims, ctx.clock().toISOString());
        const [bought, crashed] = [sims.slice(0, 3), sims.slice(3)];
        for (const sim of bought) {
          const row = await findSim(ctx.store.db, { iccid: sim.iccid });
          assert.ok(row);
          await buyPlan(ctx, (await subscriberForSim(ctx, row, undefined)).id);
        }
        // Checkouts paid on the hosted page whose customers never came back and whose webhooks were lost (none is
        // configured here): unfinished, with a charge to refund.
        for (const sim of crashed) {
          const row = await findSim(ctx.store.db, { iccid: sim.iccid });
          assert.ok(row);
          const subscriber = await subscriberForSim(ctx, row, undefined);
          const started = await startCheckout(ctx, checkoutForm(ctx, subscriber.id, 'day-1gb'));
          assert.equal((await payStarted(ctx, started)).status, 303);
        }
        ctx.setNow(new Date(ctx.clock().getTime() + 2 * 86_400_000));

        // The two sweeps meet in each refund (or go on alone after a second): both work on one checkout at once.
        let waiting: (() => void) | undefined;
        const meet = () =>
          new Promise<void>((resolve) => {
            if (waiting) {
              waiting();
              waiting = undefined;
              return resolve();
            }
            waiting = resolve;
            setTimeout(() => {
              if (waiting === resolve) waiting = undefined;
              resolve();
            }, 1000);
          });
        let refundCalls = 0;
        const meeting = (payments: TestPaymentProvider) => {
          const refund = payments.refund.bind(payments);
          payments.refund = async (capture) => {
            refundCalls++;
            await meet();
            return refund(capture);
          };
          return payments;
        };
        const other = {
          ...ctx,
          store: sibling,
          // The other process's client of the same payment service.
          payments: meeting(
            new TestPaymentProvider({
              url: ctx.payments.origins[0] as string,
              apiKey: ctx.secrets.testPaymentsApiKey,
              webhookSecret: ctx.secrets.testPaymentsWebhookSecret,
              ca: ctx.tlsCa,
              clock: ctx.clock,
            }),
          ),
        };
        meeting(ctx.payments);
        await Promise.all([runExpirySweep(ctx), runExpirySweep(other)]);

        const statuses = await ctx.store.db
          .selectFrom('checkouts')
          .select(['status', 'payment_reference'])
          .where('subscription_id', 'is', null)
          .execute();
        assert.deepEqual(
          statuses.map((c) => [c.status, c.payment_reference === null ? 'no charge' : 'charge']),
          times(3, 0).map(() => ['expired', 'charge']),
        );
        assert.deepEqual(await ctx.paymentCounts(), { charges: 6, refunds: 3 });
        const active = await ctx.store.db
          .selectFrom('subscriptions')
          .select('id')
          .where('status', '=', 'active')
          .execute();
        assert.deepEqual(active, [], 'every plan past its end expired');
        assert.ok(refundCalls >= 3, String(refundCalls));
        assert.deepEqual(
          ctx.log.lines.filter((l) => l.level === 'error'),
          [],
        );
      } finally {
        await sibling.close();
        await ctx.close();
      }
    },
  );
});

describe('a load alternating between two processes', () => {
  const SIMS = Array.from({ length: 24 }, (_, i) => ({
    iccid: `89012690${String(i).padStart(11, '0')}`,
    imsi: `3102609${String(i).padStart(8, '0')}`,
  }));
  let pair: Pair;
  before(async () => {
    pair = await startPair(
      { entryPerMinute: 100_000, checkoutPerMinute: 100_000, apiPerMinute: 100_000 },
      (config) => {
        config.sims = [...(config.sims as unknown[]), ...SIMS];
        // One client address buys for every SIM.
        config.checkouts = { maxPerClient: 100_000 };
      },
    );
  }, guard);
  after(() => pair?.stop());

  it(
    'activations (entry page on one, checkout on the other), RefreshURL and usage updates: no error',
    guard,
    async () => {
      const unexpected: string[] = [];
      const expect = (what: string, answer: Answer, ...statuses: number[]) => {
        if (!statuses.includes(answer.status))
          unexpected.push(`${what}: ${answer.status} ${answer.body.slice(0, 200)}`);
        return answer;
      };
      const WORKERS = 4;
      /** Runs `job` for each of `items` on WORKERS concurrent workers, each a client of its own. */
      const run = async <T>(items: T[], job: (client: Client, item: T, i: number) => Promise<void>) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: WORKERS }, async () => {
            const client = new Client(pair.processes);
            try {
              for (let i = next++; i < items.length; i = next++) await job(client, items[i] as T, i);
            } finally {
              client.close();
            }
          }),
        );
      };

      await run(SIMS, async (client, sim, i) => {
        const page = expect(
          'entry page',
          await client.call(i, 'GET', `/?IccId=${sim.iccid}&DevId=490154203237518`),
          200,
        );
        if (page.status !== 200) return;
        const form = new URLSearchParams({
          [CHECKOUT_FIELDS.planId]: 'month-10gb',
          [CHECKOUT_FIELDS.checkoutId]: field(page.body, CHECKOUT_FIELDS.checkoutId),
          [CHECKOUT_FIELDS.csrf]: field(page.body, CHECKOUT_FIELDS.csrf),
        }).toString();
        const started = expect(
          'checkout',
          await client.call(
            i + 1,
            'POST',
            '/checkout',
            { 'content-type': 'application/x-www-form-urlencoded' },
            form,
          ),
          303,
        );
        if (started.status !== 303) return;
        // The payment page of the process that took the post (its own test payment service, on the shared database).
        const starter = pair.processes[(i + 1) % pair.processes.length] as ServeProcess;
        const ca = readFileSync(join(starter.dataDir, 'tls', 'localhost.crt.pem'), 'utf8');
        const paid = await payOnTestPage(String(started.headers.location), undefined, { ca });
        if (paid.status !== 303 || !paid.location) {
          unexpected.push(`payment page: ${paid.status} ${paid.body.slice(0, 200)}`);
          return;
        }
        // Back on the other process, which asks its own client of the payment service.
        const back = expect('return', await client.call(i, 'GET', new URL(paid.location).pathname), 303);
        if (back.status === 303) expect('completion page', await client.call(i + 1, 'GET', '/complete'), 200);
      });

      const secrets = loadSecrets(pair.secretKey, '/nonexistent');
      const subscribers = await Promise.all(
        SIMS.map(async (sim) => {
          const s = await subscriberByIccid(pair.store.db, sim.iccid);
          assert.ok(s, `a subscriber for ${sim.iccid}`);
          const password = secrets.refreshPassword(s.id, s.credential_version);
          return {
            iccid: sim.iccid,
            path: `/refresh/${s.id}`,
            basic: `Basic ${Buffer.from(`${s.refresh_user}:${password}`).toString('base64')}`,
            etag: undefined as string | undefined,
            usage: 0,
          };
        }),
      );
      const { key } = await createApiKey(pair.store.db, 'billing', ['usage:write'], new Date().toISOString());
      const rounds = Array.from(
        { length: 12 * subscribers.length },
        (_, i) => subscribers[i % subscribers.length],
      );
      let clock = Date.now() - 120_000;
      await run(rounds, async (client, s, i) => {
        if (!s) return;
        if (i % 3 === 2) {
          s.usage += 10;
          clock += 10;
          const body = JSON.stringify({
            updates: [{ iccid: s.iccid, usageMegabytes: s.usage, at: new Date(clock).toISOString() }],
          });
          const answer = expect(
            'usage update',
            await client.call(
              i,
              'POST',
              '/api/v1/usage',
              { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body,
            ),
            200,
          );
          if (answer.status === 200) {
            const status = (JSON.parse(answer.body) as { results: Array<{ status: string }> }).results[0]
              ?.status;
            if (status !== 'applied' && status !== 'stale') unexpected.push(`usage update: ${status}`);
          }
          return;
        }
        const answer = expect(
          'RefreshURL',
          await client.call(i, 'GET', s.path, {
            authorization: s.basic,
            ...(s.etag ? { 'if-none-match': s.etag } : {}),
          }),
          200,
          304,
        );
        if (answer.status === 200) s.etag = String(answer.headers.etag);
      });

      assert.deepEqual(unexpected, []);
      const active = await pair.store.db
        .selectFrom('subscriptions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', '=', 'active')
        .executeTakeFirst();
      assert.equal(Number(active?.n), SIMS.length, 'one plan per SIM, none twice');
      for (const p of pair.processes) {
        assert.doesNotMatch(p.output(), /"level":50/, 'no error logged');
        assert.doesNotMatch(p.output(), /rate limits: the shared store does not answer/);
      }
    },
  );
});
