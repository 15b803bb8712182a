// `mbprov serve` stopped by a signal, as systemd or an orchestrator stops it: a customer's return from the payment
// page, still asking the payment service at SIGTERM, is answered in full and the subscription is active, new connections are refused at once, the process exits 0 as soon
// as the answer is out (keep-alive connections do not hold it), on SQLite and on PostgreSQL with pg-boss. A request
// still running at the end of the grace period, or a second signal, ends the process with status 1 and a log line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { payOnTestPage } from '../../cli/src/demo/test-payment-page.ts';
import { demoSims } from '../src/config/demo.ts';
import { FORCED_EXIT_STATUS } from '../src/shutdown.ts';
import { openStore, type Store } from '../src/storage/database.ts';
import { subscriberByIccid } from '../src/storage/subscribers.ts';
import { activeSubscription } from '../src/storage/subscriptions.ts';
import { CHECKOUT_FIELDS } from '../src/views/render.ts';
import { DIALECTS, POSTGRES_URL } from './helpers/context.ts';
import { field } from './helpers/http.ts';
import { HttpsTab, refusedAt, type ServeProcess, startServe } from './helpers/serve-process.ts';

const guard = { timeout: 180_000 };
const SIM = demoSims.find((s) => s.scenario === 'first-use-usb') as (typeof demoSims)[number];
const PLAN = 'day-1gb';

/** Opens the plans page of the first-use SIM in a new tab; returns the tab and the form it would post. */
async function plansPage(serve: ServeProcess) {
  const tab = new HttpsTab(serve);
  const page = await tab.get(
    `/?${new URLSearchParams({ SubId: SIM.imsi, DevId: SIM.devId, IccId: SIM.iccid })}`,
  );
  assert.equal(page.status, 200, page.body.slice(0, 400));
  const form = {
    [CHECKOUT_FIELDS.planId]: PLAN,
    [CHECKOUT_FIELDS.checkoutId]: field(page.body, CHECKOUT_FIELDS.checkoutId),
    [CHECKOUT_FIELDS.csrf]: field(page.body, CHECKOUT_FIELDS.csrf),
  };
  return { tab, form };
}

/**
 * Posts the checkout, pays on the test payment page, and comes back to the portal: resolves once the portal has
 * logged that it is asking the payment service (whose answer then waits), with the portal's answer still to come.
 */
async function checkoutInFlight(serve: ServeProcess, tab: HttpsTab, form: Record<string, string>) {
  const started = await tab.postForm('/checkout', form);
  assert.equal(started.status, 303, started.body.slice(0, 300));
  const ca = readFileSync(join(serve.dataDir, 'tls', 'localhost.crt.pem'), 'utf8');
  const paid = await payOnTestPage(String(started.headers.location), undefined, { ca });
  assert.equal(paid.status, 303, paid.body.slice(0, 300));
  const answer = tab.get(new URL(String(paid.location)).pathname).then((a) => ({ ...a, at: Date.now() }));
  // Unhandled until awaited: a forced exit cuts it, which some tests expect.
  answer.catch(() => {});
  await serve.waitFor(/"msg":"checking payment"/);
  return { answer };
}

/** Drops the PostgreSQL schemas of a test (the portal's and pg-boss's). */
async function dropSchemas(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.query(`drop schema if exists ${schema}_jobs cascade`);
  await client.end();
}

describe('mbprov serve stopped by a signal', () => {
  for (const dialect of DIALECTS) {
    it(
      `${dialect}: a return from the payment page in flight at SIGTERM completes, new connections are refused, exit 0`,
      guard,
      async () => {
        const schema = `t_serve_${process.pid}_${Date.now()}`;
        const serve = await startServe({
          // Long enough that only an exit with the answer (not the deadline) passes the timing checks below.
          graceSeconds: 60,
          paymentDelayMs: 2500,
          ...(dialect === 'postgres' ? { postgres: { url: POSTGRES_URL, schema } } : {}),
        });
        let store: Store | undefined;
        try {
          const { tab, form } = await plansPage(serve);
          // Another tab's connection, left idle in its keep-alive pool: it must not hold the shutdown up.
          const idle = new HttpsTab(serve);
          assert.equal((await idle.get('/healthz')).status, 200);

          const { answer } = await checkoutInFlight(serve, tab, form);
          const signalled = Date.now();
          serve.child.kill('SIGTERM');
          const refused = await refusedAt(serve.port, 2000);
          const paid = await answer;
          const { code, signal, at: exitedAt } = await serve.exited;

          assert.equal(paid.status, 303, paid.body);
          assert.equal(paid.headers.location, '/complete');
          assert.ok(refused < paid.at, 'new connections were refused while the return was still asking');
          assert.ok(refused - signalled < 1000, `refused ${refused - signalled} ms after SIGTERM`);
          assert.deepEqual({ code, signal }, { code: 0, signal: null }, serve.output());
          assert.ok(exitedAt - paid.at < 5000, `exited ${exitedAt - paid.at} ms after the answer`);
          assert.match(serve.output(), /"signal":"SIGTERM".*"shutdown: no new connections/);
          assert.match(serve.output(), /shutdown complete: requests answered, job queue and database closed/);
          idle.agent.destroy();
          tab.agent.destroy();

          // The database, after the process: the checkout ended completed and the plan is active.
          store = await (dialect === 'postgres'
            ? openStore({ databaseUrl: POSTGRES_URL, schema, poolSize: 1 })
            : openStore({ sqliteFile: join(serve.dataDir, 'mbprov.sqlite') }));
          const subscriber = await subscriberByIccid(store.db, SIM.iccid);
          assert.ok(subscriber, 'the SIM has a subscriber');
          const subscription = await activeSubscription(store.db, subscriber.id);
          assert.equal(subscription?.plan_id, PLAN);
          const checkout = await store.db
            .selectFrom('checkouts')
            .select(['status', 'subscriber_id'])
            .where('id', '=', subscription?.checkout_id ?? '')
            .executeTakeFirst();
          assert.deepEqual(checkout, { status: 'completed', subscriber_id: subscriber.id });
        } finally {
          await store?.close();
          await serve.cleanup();
          if (dialect === 'postgres') await dropSchemas(schema);
        }
      },
    );
  }

  it(
    'a request still running when the grace period ends: forced exit with status 1 and the reason',
    guard,
    async () => {
      const serve = await startServe({ graceSeconds: 1, paymentDelayMs: 30_000 });
      try {
        const { tab, form } = await plansPage(serve);
        const { answer } = await checkoutInFlight(serve, tab, form);
        const signalled = Date.now();
        serve.child.kill('SIGTERM');
        const { code, at } = await serve.exited;
        assert.equal(code, FORCED_EXIT_STATUS, serve.output());
        assert.ok(
          at - signalled >= 1000 && at - signalled < 10_000,
          `exited ${at - signalled} ms after SIGTERM`,
        );
        assert.match(serve.output(), /shutdown forced: requests still running after the grace period of 1 s/);
        await assert.rejects(answer, 'the checkout was cut, not answered');
        tab.agent.destroy();
      } finally {
        await serve.cleanup();
      }
    },
  );

  it('a second signal while draining: forced exit with status 1 at once', guard, async () => {
    const serve = await startServe({ graceSeconds: 60, paymentDelayMs: 30_000 });
    try {
      const { tab, form } = await plansPage(serve);
      const { answer } = await checkoutInFlight(serve, tab, form);
      serve.child.kill('SIGTERM');
      await serve.waitFor(/shutdown: no new connections/);
      const signalled = Date.now();
      serve.child.kill('SIGINT');
      const { code, at } = await serve.exited;
      assert.equal(code, FORCED_EXIT_STATUS, serve.output());
      assert.ok(at - signalled < 5000, `exited ${at - signalled} ms after SIGINT`);
      assert.match(serve.output(), /shutdown forced: second signal \(SIGINT\) while draining/);
      await assert.rejects(answer);
      tab.agent.destroy();
    } finally {
      await serve.cleanup();
    }
  });
});
